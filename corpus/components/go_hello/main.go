// Command go_hello is a WASI preview 1 command that corpus/components/build.py turns into a component with the
// WASI adapter: it reads its arguments, environment, clock and random source and prints a line.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"time"
)

func main() {
	var b [4]byte
	_, _ = rand.Read(b[:])
	fmt.Printf("hello from go_hello: %d args, %d env, year %d, %x\n", len(os.Args), len(os.Environ()), time.Now().Year(), b)
}
