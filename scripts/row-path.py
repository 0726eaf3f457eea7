#!/usr/bin/env python3
"""Issue 20 baseline: 100,000 facts big(i: N, tag: tK) over a raw socket, and the
time to the last answer line of match/history (median of 3; the one-row match of 200).
usage: scripts/row-path.py   (release mnemod under .build/release; PERF=1 waits for
/tmp/i20/go after inserting and writes the daemon pid to /tmp/i20/pid, for perf record;
N=facts, QUERIES='q1|q2' to choose, PREFIX='valgrind --tool=callgrind ...' to wrap mnemod)"""
import socket, subprocess, tempfile, time, os, shutil, sys
B=os.environ.get('MNEMOD_DIR') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '.build', 'release')
d=tempfile.mkdtemp(prefix='i20-'); sock=d+'/m.sock'
prefix=os.environ.get('PREFIX','').split()
p=subprocess.Popen(prefix+[os.path.join(B, os.environ.get('MNEMOD_NAME', 'mnemod')),'--data-dir',d,'--socket',sock,'--log-level','warning'],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
for _ in range(2000):
    if os.path.exists(sock): break
    time.sleep(0.05)
for _ in range(200):
    try:
        s=socket.socket(socket.AF_UNIX); s.connect(sock); break
    except (ConnectionRefusedError, FileNotFoundError): time.sleep(0.05)
f=s.makefile('rwb')
def req(line):
    f.write((line+'\n').encode()); f.flush()
    h=f.readline().decode().strip()
    if h.startswith('ERR'): return h, 0
    n=int(h.split()[1])
    for _ in range(n): f.readline()
    return h, n
N=int(os.environ.get('N','100000'))
# pipelined inserts in windows
W=500
for start in range(0,N,W):
    for i in range(start,min(N,start+W)):
        f.write(f'assert big(i: {i}, tag: t{i%10})\n'.encode())
    f.flush()
    for i in range(start,min(N,start+W)):
        h=f.readline().decode()
        if not h.startswith('OK'): print(h); sys.exit(1)
        for _ in range(int(h.split()[1])): f.readline()
print('inserted', N, 'pid', p.pid, flush=True)
if os.environ.get('PERF'):
    open('/tmp/i20/pid','w').write(str(p.pid))
    while not os.path.exists('/tmp/i20/go'): time.sleep(0.1)

for q in (os.environ.get('QUERIES').split('|') if os.environ.get('QUERIES') else ['match big(i: ?x) limit 100000','match big(i: ?x, tag: t3) limit 100000','history big(?, ?) limit 100000','match big(i: 4242, tag: ?t)']):
    def cpu():
        # The daemon's CPU seconds (user + system): less moved by other load than wall time.
        fields=open(f'/proc/{p.pid}/stat').read().rsplit(')',1)[1].split()
        return (int(fields[11])+int(fields[12]))/os.sysconf('SC_CLK_TCK')
    times=[]; c0=cpu()
    for r in range(int(os.environ.get('RUNS', 3 if 'limit' in q else 200))):
        t0=time.perf_counter(); h,n=req(q); times.append(time.perf_counter()-t0)
    times.sort()
    med=times[len(times)//2]
    cpums=(cpu()-c0)*1000/len(times)
    print(f'{q:45s} rows {n:7d} median {med*1000:9.2f} ms  {n/med if n>1 else 0:10.0f} rows/s  daemon cpu {cpums:8.2f} ms/query', flush=True)
if os.environ.get('STATS'):
    # The daemon's own time per statement (worker start to answer built), p50 of all runs of a keyword.
    f.write(b'stats\n'); f.flush(); h=f.readline().decode()
    for _ in range(int(h.split()[1])):
        l=f.readline().decode()
        if 'latency.match' in l or 'latency.history' in l: print(l.strip())
if len(sys.argv)>1:
    print('holding for perf; pid', p.pid, flush=True); time.sleep(float(sys.argv[1]))
p.terminate(); p.wait(); shutil.rmtree(d, ignore_errors=True)
