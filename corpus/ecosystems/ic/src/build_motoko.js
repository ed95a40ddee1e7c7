// Compiles counter.mo (an actor, mode 'ic': a wasm64 canister with enhanced orthogonal persistence) and prog.mo
// (a plain program, mode 'wasi') with the Motoko compiler shipped by the npm package `motoko`.
// Usage (from this directory): npm install motoko@4.10.0 && node build_motoko.js
const fs = require('fs');
const path = require('path');
const mo = require('motoko');
mo.write('counter.mo', fs.readFileSync(path.join(__dirname, 'counter.mo'), 'utf8'));
mo.write('prog.mo', fs.readFileSync(path.join(__dirname, 'prog.mo'), 'utf8'));
fs.writeFileSync(path.join(__dirname, '..', 'motoko_counter_wasm64.wasm'), mo.wasm('counter.mo', 'ic').wasm);
fs.writeFileSync(path.join(__dirname, '..', 'motoko_prog_wasi.wasm'), mo.wasm('prog.mo', 'wasi').wasm);
