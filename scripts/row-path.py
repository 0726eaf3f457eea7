#!/usr/bin/env python3
"""Issue 20 baseline: 100,000 facts big(i: N, tag: tK) over a raw socket, and the
time to the last answer line of match/history (median of 3; the one-row match of 200).
usage: scripts/row-path.py   (release mnemod under .build/release; PERF=1 waits for
/tmp/i20/go after inserting and writes the daemon pid to /tmp/i20/pid, for perf record)"""
import socket, subprocess, tempfile, time, os, shutil, sys
B=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '.build', 'release')
d=tempfile.mkdtemp(prefix='i20-'); sock=d+'/m.sock'
p=subprocess.Popen([B+'/mnemod','--data-dir',d,'--socket',sock,'--log-level','warning'],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(sock): break
    time.sleep(0.05)
s=socket.socket(socket.AF_UNIX); s.connect(sock); f=s.makefile('rwb')
def req(line):
    f.write((line+'\n').encode()); f.flush()
    h=f.readline().decode().strip()
    if h.startswith('ERR'): return h, 0
    n=int(h.split()[1])
    for _ in range(n): f.readline()
    return h, n
N=100000
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
    times=[]
    for r in range(3 if 'limit' in q else 200):
        t0=time.perf_counter(); h,n=req(q); times.append(time.perf_counter()-t0)
    times.sort()
    med=times[len(times)//2]
    print(f'{q:45s} rows {n:7d} median {med*1000:9.2f} ms  {n/med if n>1 else 0:10.0f} rows/s', flush=True)
if len(sys.argv)>1:
    print('holding for perf; pid', p.pid, flush=True); time.sleep(float(sys.argv[1]))
p.terminate(); p.wait(); shutil.rmtree(d, ignore_errors=True)
