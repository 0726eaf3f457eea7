#!/usr/bin/env python3
"""Persona pass on LoCoMo: what it derives per speaker, and a quality proxy.

usage: scripts/persona-quality.py BINDIR OUT.json [daemon.conf] [crowd,single4,singleAll]
  BINDIR holds mnemod and mnemo. For each dev conversation:
  crowd  - the whole conversation in one space;
  single4 - one speaker's own turns of the first four sessions, alone in a space;
  singleAll - one speaker's own turns of every session, alone in a space.
  Quality proxy: a derived topic/activity counts as 'own' when a word of the
  same root appears in LoCoMo's observations about that speaker, 'other' when
  only in the other speaker's, else 'none'.
"""
import json, os, re, subprocess, sys, tempfile, time, shutil, datetime

bindir, out = sys.argv[1], sys.argv[2]
config = sys.argv[3] if len(sys.argv) > 3 else None
modes = sys.argv[4].split(',') if len(sys.argv) > 4 else ['crowd', 'single4', 'singleAll']
data = os.environ.get('LOCOMO', '../shared/data/locomo')
files = sorted(f for f in os.listdir(data) if f.endswith('.json'))

def root(w):
    w = w.lower()
    for suf in ('ings', 'ing', 'ers', 'er', 'ies', 'ied', 'ed', 'es', 's', 'e', 'y'):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if len(w) >= 4 and w[-1] == w[-2]:
        w = w[:-1]
    return w[:6]

def roots(text):
    return {root(t) for t in re.findall(r"[a-z]+", text.lower()) if len(t) >= 3}

def observations(d, speaker):
    text = []
    for k, v in d.items():
        if k.endswith('_observation') and isinstance(v, dict):
            for s, items in v.items():
                if s == speaker:
                    text += [i[0] for i in items]
    return roots(' '.join(text))

def sessions(d):
    n = 1
    while f'session_{n}' in d:
        yield n, d[f'session_{n}_date_time'], d[f'session_{n}']
        n += 1

def parse_when(s):
    return datetime.datetime.strptime(s.strip(), '%I:%M %p on %d %B, %Y')

class Daemon:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='pm-')
        self.sock = self.dir + '/mnemo.sock'
        self.p = subprocess.Popen([bindir + '/mnemod', '--data-dir', self.dir, '--log-level', 'warning'] + (['--config', config] if config else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.sock): break
            time.sleep(0.05)
    def run(self, *statements, json_out=False):
        return subprocess.run([bindir + '/mnemo', '--socket', self.sock] + (['--json'] if json_out else []), input='\n'.join(statements) + '\n', capture_output=True, text=True)
    def mnemo(self, *args):
        return subprocess.run([bindir + '/mnemo'] + list(args) + ['--socket', self.sock] if args[0] in ('import-chat',) else [bindir + '/mnemo', '--socket', self.sock] + list(args), capture_output=True, text=True)
    def stop(self):
        self.p.terminate(); self.p.wait(); shutil.rmtree(self.dir, ignore_errors=True)

def persona(dm, space, name):
    r = dm.run(f'use space "{space}"', f'persona "{name}"', json_out=True)
    rows = []
    for line in r.stdout.splitlines():
        try: o = json.loads(line)
        except Exception: continue
        if o.get('category') in ('topic', 'activity'):
            rows.append((o['category'], o['value'], o['confidence'], len([s for s in o['support'] if s.startswith('s:')])))
    return rows

results = {}
dm = Daemon()
try:
    for f in files:
        d = json.load(open(f'{data}/{f}'))
        a, b = d['speaker_a'], d['speaker_b']
        obs = {a: observations(d, a), b: observations(d, b)}
        conv = f[:-5]
        space = 'c' + conv
        r = dm.mnemo('import-chat', f'{data}/{f}', '--space', space)
        dm.run(f'use space "{space}"', 'consolidate')
        for sp in (a, b):
            results[f'crowd/{conv}/{sp}'] = {'rows': persona(dm, space, sp), 'obs': sorted(obs[sp]), 'other': sorted(obs[b if sp == a else a])}
        for mode, k in [m for m in (('single4', 4), ('singleAll', 999)) if m[0] in modes]:
            for sp in (a, b):
                sess = []
                for n, when, turns in sessions(d):
                    if n > k: break
                    t0 = parse_when(when)
                    ts = [{'speaker': t['speaker'], 'text': t['text'], 'at': (t0 + datetime.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')} for i, t in enumerate(turns) if t['speaker'] == sp]
                    if ts: sess.append({'scene': f'session {n}', 'at': t0.strftime('%Y-%m-%dT%H:%M:%SZ'), 'turns': ts})
                path = dm.dir + f'/{mode}-{conv}-{sp}.json'
                json.dump({'sessions': sess}, open(path, 'w'))
                space = f'{mode}{conv}{sp}'.lower()
                r = dm.mnemo('import-chat', path, '--space', space)
                if r.returncode != 0: print(r.stderr[:300])
                dm.run(f'use space "{space}"', 'consolidate')
                results[f'{mode}/{conv}/{sp}'] = {'rows': persona(dm, space, sp), 'obs': sorted(obs[sp]), 'other': sorted(obs[b if sp == a else a])}
finally:
    dm.stop()
json.dump(results, open(out, 'w'), indent=0)

# summary
for mode in modes:
    tot = {'topic': [0, 0, 0, 0], 'activity': [0, 0, 0, 0]}
    people = 0
    for key, v in results.items():
        if not key.startswith(mode + '/'): continue
        people += 1
        own, other = set(v['obs']), set(v['other'])
        for cat, val, conf, sc in v['rows']:
            rs = roots(val)
            t = tot[cat]
            t[0] += 1
            if rs & own: t[1] += 1
            elif rs & other: t[2] += 1
            else: t[3] += 1
    print(f"{mode:9} people {people}: " + '; '.join(f"{c}s {t[0]} ({t[0]/max(people,1):.1f}/person), own {t[1]/max(t[0],1):.2f} other-only {t[2]/max(t[0],1):.2f} none {t[3]/max(t[0],1):.2f}" for c, t in tot.items()))
