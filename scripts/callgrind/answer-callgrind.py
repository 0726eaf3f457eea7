#!/usr/bin/env python3
"""Instructions per answer row: callgrind over mnemod answering one statement.

usage: answer-callgrind.py MNEMOD SPACES_DIR SPACE 'STATEMENT' [RUNS]

Copies SPACES_DIR (a data directory, e.g. one mnemo-bench-query big-answers
built) aside, starts MNEMOD on the copy under valgrind's callgrind with
collection off, answers STATEMENT once to warm up, then RUNS times (default 2)
with collection on, and prints the instructions counted over the rows
answered. Counts do not move with machine noise: compare two builds by
running this twice. MNEMOD should have its debug information stripped
(`objcopy --strip-debug`): valgrind 3.19 cannot read DWARF 5. See
docs/benchmarks.md, "Big answers".
"""
import os, shutil, socket, subprocess, sys, tempfile, time

mnemod, spaces, space, statement = sys.argv[1:5]
runs = int(sys.argv[5]) if len(sys.argv) > 5 else 2
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix='mnemo-callgrind-')
shim = os.path.join(work, 'sigsuspend-shim.so')
subprocess.run(['gcc', '-shared', '-fPIC', '-O2', '-o', shim, os.path.join(here, 'sigsuspend-shim.c')], check=True)
data = os.path.join(work, 'data')
shutil.copytree(spaces, data)
conf = os.path.join(work, 'daemon.conf')
open(conf, 'w').write('max_answer_bytes = 4GB\nrequest_timeout = 0\n')
sock = os.path.join(work, 'm.sock')
out = os.path.join(work, 'callgrind.out')
daemon = subprocess.Popen(
    ['env', f'LD_PRELOAD={shim}', 'valgrind', '--tool=callgrind', '--instr-atstart=no', f'--callgrind-out-file={out}',
     mnemod, '--config', conf, '--data-dir', data, '--socket', sock, '--log-level', 'warning'],
    stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, 'valgrind.log'), 'w'))
for _ in range(6000):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        break
    except (ConnectionRefusedError, FileNotFoundError):
        time.sleep(0.1)
else:
    sys.exit(f'mnemod did not start; see {work}/valgrind.log')
f = s.makefile('rwb')


def request(line):
    f.write((line + '\n').encode())
    f.flush()
    head = f.readline().decode().strip()
    if not head.startswith('OK'):
        sys.exit(f'{line}: {head}')
    n = int(head.split()[1]) if len(head.split()) > 1 else 0
    for _ in range(n):
        f.readline()
    return n


request(f'use {space}')
request(statement)
subprocess.run(['callgrind_control', '-i', 'on', str(daemon.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
rows = sum(request(statement) for _ in range(runs))
subprocess.run(['callgrind_control', '-i', 'off', str(daemon.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
daemon.terminate()
daemon.wait()
total = 0
for name in os.listdir(work):
    if name.startswith('callgrind.out'):
        for line in open(os.path.join(work, name)):
            if line.startswith('totals:'):
                total += int(line.split()[1])
                break
print(f'{statement}: {total:,} instructions over {rows} rows = {total / max(rows, 1):,.0f} per row')
shutil.rmtree(work, ignore_errors=True)
