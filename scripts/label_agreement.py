#!/usr/bin/env python3
"""Agreement of the two annotators on the 100 double-labelled current-events items
(crates/coder/tests/data/real/agreement.ids): event or none, shared root, exact code and
source/target pair, and F1 over event lines. Run from that directory."""
import csv,collections,sys
def load(files):
    d=collections.defaultdict(list)
    for f in files:
        for r in csv.DictReader(open(f),delimiter='\t'):
            d[r['id']].append(r)
    return d
import os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "coder", "tests", "data", "real"))
ids=[l.strip() for l in open('agreement.ids')]
a=load(['current-events.labels.tsv'])
b=load(['current-events.agreement.tsv'])
def key(c): return c if c.startswith(('IGO','NGO')) or len(c)<3 else c[:3]
def ev(rows): return [r for r in rows if r['code']!='-']
both_none=eventa=eventb=0
root_same=0; root_n=0; pair_same=0; exact_same=0
none_agree=0
for i in ids:
    ea,eb=ev(a[i]),ev(b[i])
    if not ea and not eb: none_agree+=1; continue
    if bool(ea)!=bool(eb): continue
    # compare on items where both found events: the set of roots
    ra={r['code'][:2] for r in ea}; rb={r['code'][:2] for r in eb}
    root_n+=1
    if ra & rb: root_same+=1
    if {r['code'] for r in ea} & {r['code'] for r in eb}: exact_same+=1
    pa={(key(r['source']),key(r['target'])) for r in ea}|{(key(r['target']),key(r['source'])) for r in ea if r['recip']=='1'}
    pb={(key(r['source']),key(r['target'])) for r in eb}|{(key(r['target']),key(r['source'])) for r in eb if r['recip']=='1'}
    if pa & pb: pair_same+=1
evt_agree=sum(1 for i in ids if bool(ev(a[i]))==bool(ev(b[i])))
print(f"items {len(ids)}; event/no-event agreement {evt_agree}/{len(ids)}; both none {none_agree}")
print(f"both with events {root_n}: a shared root {root_same} ({100*root_same/root_n:.0f}%), a shared exact code {exact_same} ({100*exact_same/root_n:.0f}%), a shared source/target pair {pair_same} ({100*pair_same/root_n:.0f}%)")
# Cohen kappa on event/no-event
pa=sum(1 for i in ids if ev(a[i]))/len(ids); pb=sum(1 for i in ids if ev(b[i]))/len(ids)
po=evt_agree/len(ids); pe=pa*pb+(1-pa)*(1-pb)
print(f"kappa(event vs none) {(po-pe)/(1-pe):.2f}")
# main root agreement: first-listed event's root
fr=sum(1 for i in ids if ev(a[i]) and ev(b[i]) and ev(a[i])[0]['code'][:2]==ev(b[i])[0]['code'][:2])
print(f"first-listed event same root: {fr}/{root_n}")
def triples(rows, digits):
    out=set()
    for r in ev(rows):
        c=r['code'][:digits] if digits else r['code']
        out.add((c,key(r['source']),key(r['target'])))
        if r['recip']=='1': out.add((c,key(r['target']),key(r['source'])))
    return out
for name,d in (('root',2),('exact',0)):
    ta=tb=m=0
    for i in ids:
        x,y=triples(a[i],d),triples(b[i],d); ta+=len(x); tb+=len(y); m+=len(x&y)
    print(f"event lines as ({name}, source, target): annotator 1 {ta}, annotator 2 {tb}, both {m}; F1 {2*m/(ta+tb):.2f}")
