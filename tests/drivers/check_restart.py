"""A PINN run stopped by a signal at a random moment and continued with
-restart ends with bitwise the parameters of the uninterrupted run.

usage: check_restart.py MPIEXEC NP PROGRAM SIGNAL TARGET [options...]
  TARGET: mpiexec (the signal to the launcher, as a user's Ctrl-C or a
          batch system's scancel does) or ranks (to every rank, as Slurm
          does at the wall-time limit).
The run is stopped after a random number of checkpoint writes (seeded from
the clock; NABLA_RESTART_SEED repeats a draw), restarted and stopped once
more the same way, then run to the end, and its final checkpoint compared
with the uninterrupted run's. Independent reference: the uninterrupted run of the same
binary, options and ranks; the comparison is exact (np.array_equal), since
the claim is bitwise equality, not closeness."""
import glob, os, random, signal, subprocess, sys, threading, time, zlib
import h5py
import numpy as np

mpiexec, nproc, program, signame, target = sys.argv[1:6]
opts = sys.argv[6:]
sig = getattr(signal, signame)
# files of their own for each option set (tests run side by side in one folder)
tag = "restart_%s_%s_%08x" % (signame.lower(), target, zlib.crc32(" ".join(opts).encode()))


def launch(name, extra):
    cmd = [mpiexec, "-n", nproc, program] + opts + ["-output", name + ".h5", "-checkpoint", name + "-ck.h5"] + extra
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def params(f):
    with h5py.File(f, "r") as h:
        pos = h["state/pinn.position"][:]
        return h["model/parameters"][:], pos


for f in os.listdir("."):
    if f.startswith(tag) or f.startswith(tag + "_full"):
        os.remove(f)

full = launch(tag + "_full", [])
out_full = full.communicate()[0]
if full.returncode:
    sys.exit("the uninterrupted run failed:\n" + out_full)
# one file per network: NAME-ck.h5, or NAME-ck-member<m>.h5 for an ensemble
suffixes = [f[len(tag + "_full-ck"):] for f in sorted(glob.glob(tag + "_full-ck*.h5"))]
assert suffixes, "the uninterrupted run wrote no checkpoint"
for sfx in suffixes:
    pos = params(tag + "_full-ck" + sfx)[1]
    assert pos[0] == 2, "the final checkpoint %s is not marked finished: %s" % (sfx, pos)

rng = random.Random(int(os.environ.get("NABLA_RESTART_SEED", time.time_ns() % 1000003)))


def writes_seen(seen):
    """checkpoint files written so far (each write renames a new file into place)"""
    n = 0
    for f in glob.glob(tag + "-ck*.h5"):
        st = os.stat(f)
        key = (f, st.st_ino, st.st_mtime_ns)
        if key not in seen:
            seen.add(key)
            n += 1
    return n


extra, stops = [], 0
for attempt in range(5):
    before = set()
    writes_seen(before)  # what a previous attempt left
    run = launch(tag, extra)
    out = []
    reader = threading.Thread(target=lambda: out.extend(run.stdout))
    reader.start()
    # stop after a random number of checkpoint writes (every -checkpoint_every
    # steps of Adam or L-BFGS) plus up to 50 ms: a random step, whatever the
    # machine's load, and not late (the program's output reaches a pipe in
    # blocks, so its progress lines arrive too late to time a signal by)
    # (fewer writes are left after a restart)
    at, delay = rng.randint(1, 8 if not extra else 3), rng.uniform(0, 0.05)
    count, killed = 0, False
    while run.poll() is None and stops < 2 and not killed:
        count += writes_seen(before)
        if count >= at:
            time.sleep(delay)
            if target == "mpiexec":
                run.send_signal(sig)
            else:
                subprocess.run(["pkill", "-" + signame[3:], "-f", "^" + program + ".*" + tag + ".h5"])
            killed = True
        time.sleep(0.002)
    run.wait()
    reader.join()
    text = "".join(out)
    print("attempt %d: signal after checkpoint write %d + %.3f s, exit %d" % (attempt, at, delay, run.returncode))
    stopped = [l for l in out if "Training stopped" in l]
    if stopped:
        print("  " + stopped[0].strip())
    if run.returncode == 0:
        break
    if "Training stopped" not in text and all(params(f)[1][0] == 2 for f in glob.glob(tag + "-ck*.h5")):
        # the signal (mpiexec forwards it after a delay) came after training
        # had ended: no state to save, every checkpoint is final. Start
        # afresh (a restart from a finished state has nothing left to stop)
        print("  the signal came after training had ended: again from the start")
        for f in glob.glob(tag + "*"):
            if not f.startswith(tag + "_full"):
                os.remove(f)
        extra = []
        continue
    stops += 1
    assert "Training stopped by %s" % signame in text, "no stop message after %s:\n%s" % (signame, text[-3000:])
    assert "-restart %s-ck.h5" % tag in text, "the stop message does not say how to continue:\n" + text[-3000:]
    assert not os.path.exists(tag + ".h5"), "a stopped run left a complete-looking output file"
    extra = ["-restart", tag + "-ck.h5"]
else:
    sys.exit("the run did not finish within 5 attempts")

print("stops: %d" % stops)
assert stops >= 1, "the run finished before the signal: lengthen it"
for sfx in suffixes:
    ref = params(tag + "_full-ck" + sfx)[0]
    got, pos = params(tag + "-ck" + sfx)
    print("%s: final position %s; max |difference| %.3e" % (tag + "-ck" + sfx, pos, np.abs(got - ref).max()))
    assert np.array_equal(got, ref), "parameters after restart differ from the uninterrupted run (%s)" % sfx
print("restart check passed")
