//go:build cgo

package lesson

/*
// in_flight counts the calls of count_primes under way, and most_at_once
// the most there were at the same moment.
static long long in_flight, most_at_once;

// count_primes is countPrimes in C.
static long long count_primes(long long lo, long long hi) {
	long long now = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	long long most = __atomic_load_n(&most_at_once, __ATOMIC_SEQ_CST);
	while (now > most && !__atomic_compare_exchange_n(&most_at_once, &most, now, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
	}
	long long n = 0;
	for (long long k = lo < 2 ? 2 : lo; k < hi; k++) {
		int prime = 1;
		for (long long d = 2; d * d <= k; d++) {
			if (k % d == 0) {
				prime = 0;
				break;
			}
		}
		n += prime;
	}
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	return n;
}

static long long take_most_at_once(void) { return __atomic_exchange_n(&most_at_once, 0, __ATOMIC_SEQ_CST); }
*/
import "C"

// cCalls says the c-calls lesson can run: this build has cgo.
const cCalls = true

// countPrimesC is countPrimes done by C code: for the whole call the
// goroutine runs no Go code, and its P (its right to run Go code) can go to
// another goroutine.
func countPrimesC(lo, hi int) int { return int(C.count_primes(C.longlong(lo), C.longlong(hi))) }

// cCallsAtOnce is the most calls of countPrimesC there were under way at
// the same moment since it was last asked.
func cCallsAtOnce() int { return int(C.take_most_at_once()) }
