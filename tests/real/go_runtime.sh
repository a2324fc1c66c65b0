#!/bin/sh
# Go programs: the runtime's threads (clone, futex, sigaltstack, tgkill),
# goroutines handed between them, sysmon's SIGURG preempting loops that make
# no calls, timers, a ticker and the garbage collector; the output depends
# on which goroutine finished first.  Three recordings (two under --chaos)
# must replay with identical output.  What it caught: the runtime keeps
# cpuid's leaf-1 ebx (the APIC id of the CPU it ran on, which differs from
# run to run in a virtual machine) in rbx at its first syscall, so replay
# diverged at event 3 unless cpuid is recorded (8 of 10 here); and main's
# exit_group killed threads whose stops the recorder had not handled yet
# ("ptrace(GET_SYSCALL_INFO) ... No such process", 5 of 10 recordings).
. "$(dirname "$0")/lib.sh"
need go
mkdir -p "$WORK/src"
cat >"$WORK/src/main.go" <<'GO'
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

//go:noinline
func spin(n int) int {
	x := n
	for i := 0; i < 20000000; i++ { // no calls: only SIGURG preempts it
		x = x*1103515245 + 12345
	}
	return x
}

func main() {
	tick := time.NewTicker(time.Millisecond)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	keep := make([][]byte, 0)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			r := spin(id)
			garbage := 0
			for i := 0; i < 300; i++ {
				garbage += len(make([]byte, 8192))
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			order = append(order, id)
			keep = append(keep, make([]byte, garbage/1024+r&7))
			mu.Unlock()
		}(g)
	}
	results := make(chan int)
	go func() {
		sum := 0
		for v := range results {
			sum += v
		}
		fmt.Println("channel sum", sum)
		wg.Done()
	}()
	for i := 0; i < 1000; i++ {
		results <- i
	}
	wg.Add(1)
	close(results)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	ticks := 0
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-done:
			break loop
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("finished in order", order, "kept", len(keep), "ticked", ticks > 0, "collected", ms.NumGC > 0)
}
GO
printf 'module gotest\n\ngo 1.19\n' >"$WORK/src/go.mod"
(cd "$WORK/src" && HOME=$WORK GOCACHE=$WORK/gocache GOPATH=$WORK/gopath GOFLAGS=-mod=mod \
    go build -o "$WORK/gotest" .) >"$WORK/build.log" 2>&1 ||
    { show "$WORK/build.log"; fail "cannot build the Go program"; }
for run in 1 2 3; do
    chaos=
    [ "$run" = 1 ] || chaos=--chaos
    record "go$run" 0 $chaos "$WORK/gotest"
    grep -q '^finished in order \[.*\] kept 6 ticked true collected true$' "$WORK/go$run/rec.out" ||
        { show "$WORK/go$run/rec.out"; fail "go$run: the program printed something unexpected"; }
    "$REWIND" dump "$WORK/go$run/trace" >"$WORK/go$run/dump" || fail "go$run: dump failed"
    grep -q ' CPUID .* in eax=0x1 ' "$WORK/go$run/dump" || fail "go$run: no cpuid of leaf 1 was recorded"
    replay "go$run"
    echo "go$run: $(grep -c ' CPUID ' "$WORK/go$run/dump") cpuid, $(grep -c 'SIGNAL.*Urgent I/O' "$WORK/go$run/dump") SIGURG, $(grep -c ' CLONE ' "$WORK/go$run/dump") threads"
done

# cgo: C threads (pthread_create from Go) beside goroutines, built plain
# and with the race detector (its runtime maps terabytes of shadow).
mkdir -p "$WORK/cgo"
cat >"$WORK/cgo/main.go" <<'GO'
package main

/*
#include <pthread.h>
static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *worker(void *arg) {
    for (int i = 0; i < 100000; i++) { pthread_mutex_lock(&mu); counter++; pthread_mutex_unlock(&mu); }
    return arg;
}
static int run_c_threads(void) {
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], 0, worker, 0);
    for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
    return counter;
}
*/
import "C"

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	mixed := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 1000; k++ {
				mu.Lock()
				mixed = mixed*7 + i
				mu.Unlock()
			}
		}(i)
	}
	c := C.run_c_threads()
	wg.Wait()
	fmt.Println("c threads", c, "goroutines", mixed)
}
GO
printf 'module cgotest\n\ngo 1.19\n' >"$WORK/cgo/go.mod"
for kind in cgo race; do
    flags=
    [ $kind = race ] && flags=-race
    (cd "$WORK/cgo" && HOME=$WORK GOCACHE=$WORK/gocache GOPATH=$WORK/gopath GOFLAGS=-mod=mod \
        go build $flags -o "$WORK/$kind.bin" .) >"$WORK/build.log" 2>&1 ||
        { show "$WORK/build.log"; fail "cannot build the $kind program"; }
    record "$kind" 0 --chaos "$WORK/$kind.bin"
    grep -q '^c threads 300000 goroutines ' "$WORK/$kind/rec.out" ||
        { show "$WORK/$kind/rec.out"; fail "$kind: the program printed something unexpected"; }
    replay "$kind"
done
echo "3 recordings of a Go program, a cgo one and a -race one replayed with identical output"
