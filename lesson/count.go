package lesson

// countPrimes counts the primes in [lo, hi) by trial division, the
// tutorials' CPU-bound task: each number is divided by every candidate up
// to its square root. The C version (ccount_cgo.go) and the Python script
// (lesson/python/scripts/primes.py) are the same loop.
func countPrimes(lo, hi int) int {
	n := 0
	for k := max(lo, 2); k < hi; k++ {
		prime := true
		for d := 2; d*d <= k; d++ {
			if k%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			n++
		}
	}
	return n
}
