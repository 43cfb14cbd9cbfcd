"""What the gradient checker adds to the loss evaluations it must make.

For a full check of P entries the checker calls the loss 2P + 1 times. This script times a
full check and, in the same run, 2P + 1 bare calls of the same loss, and prints their ratio
(best of several interleaved repeats, so machine noise hits both alike). Target: <= 1.10.

    python benchmarks/gradcheck_cost.py
"""
import argparse
import time

from reference import gradcheck, net, problems

SIZES = {
    "toy (seed size)": (8, 5, 6, 3),
    "P ~ 10^4": (10, 100, 90, 10),
}


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(N, D, H, C, repeats):
    params, X, y = problems.toy_problem(N, D, H, C, 0)
    f = lambda p: net.loss(p, X, y, 0.1)  # noqa: E731
    P = sum(v.size for v in params.values())
    calls = 2 * P + 1

    def bare():
        for _ in range(calls):
            f(params)

    def check():
        report = gradcheck.check_gradients(f, params)
        assert report.passed and report.evaluations == calls

    bare_times, check_times = [], []
    for _ in range(repeats):  # interleaved: noise falls on both
        bare_times.append(best_of(1, bare))
        check_times.append(best_of(1, check))
    return P, calls, min(bare_times), min(check_times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    print("| problem | N, D, H, C | P | loss calls | bare calls (s) | full check (s) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for label, sizes in SIZES.items():
        repeats = args.repeats if sizes[1] < 50 else max(3, args.repeats // 2)
        P, calls, bare, check = measure(*sizes, repeats)
        print("| %s | %s | %d | %d | %.4f | %.4f | %.3f |" % (
            label, ", ".join(map(str, sizes)), P, calls, bare, check, check / bare))


if __name__ == "__main__":
    main()
