persistent actor Counter {
  var n : Nat = 0;
  public func inc() : async Nat { n += 1; n };
  public query func get() : async Nat { n };
};
