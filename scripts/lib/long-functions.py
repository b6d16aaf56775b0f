#!/usr/bin/env python3
# Lists functions longer than N lines (default 60) outside tests/ and data/: C++ definitions and JS functions, by
# brace matching (a reading aid for code review, not a parser).  Usage: scripts/lib/long-functions.py [ROOT] [N]
import re,sys,subprocess,os
root=sys.argv[1] if len(sys.argv)>1 else "."; N=int(sys.argv[2]) if len(sys.argv)>2 else 60
files=subprocess.run(['git','ls-files'],cwd=root,capture_output=True,text=True).stdout.split()
res=[]
for f in files:
    if f.startswith(('tests/','data/')) or 'nfkc_tables' in f or f.startswith('web/app/lib/'): continue
    if not f.endswith(('.cpp','.h','.js','.mjs')): continue
    lines=open(os.path.join(root,f)).read().split('\n')
    cpp=f.endswith(('.cpp','.h'))
    for i,l in enumerate(lines):
        st=l.rstrip()
        if not st.endswith('{'): continue
        ind=len(l)-len(l.lstrip())
        s=st.strip()
        if cpp:
            if ind>2:
                # a continuation line of a multi-line signature: its first line is at indent <= 2
                j=i-1
                while j>=0 and lines[j].strip() and not lines[j].rstrip().endswith((';','{','}')) and (len(lines[j])-len(lines[j].lstrip()))>2: j-=1
                if j<0 or not lines[j].strip() or lines[j].rstrip().endswith((';','{','}')) or (len(lines[j])-len(lines[j].lstrip()))>2 or not re.search(r'\w\s*\(',lines[j]): continue
            if re.match(r'(namespace|class|struct|enum|union|extern|template\s*<[^>]*>\s*(class|struct))\b',s) or s.startswith(('}','//','#')): continue
            if not (')' in s or s=='{'): continue
            # find signature start
            j=i
            while j>0 and not lines[j].rstrip().endswith((';','}','{')) and lines[j-1].strip() and not lines[j-1].strip().startswith('//') and not lines[j-1].rstrip().endswith((';','}','{')): j-=1
            sig=' '.join(x.strip() for x in lines[j:i+1])
            if re.search(r'\b(if|for|while|switch|catch|do|else)\b\s*\(',sig.split('(')[0]+'('): continue
            if '=' in sig.split('(')[0] and 'operator' not in sig: continue
            m=re.search(r'([\w:~<>]+)\s*\(',sig)
            name=m.group(1) if m else '?'
        else:
            m=re.match(r'^\s*(export\s+)?(async\s+)?function\*?\s+(\w+)|^\s*(export\s+)?(const|let)\s+(\w+)\s*=\s*(async\s*)?(\([^)]*\)|\w+)\s*=>\s*\{$|^\s*(async\s+)?(\w+)\s*\([^)]*\)\s*\{$',l)
            if not m: continue
            name=m.group(3) or m.group(6) or m.group(10)
            if name in ('if','for','while','switch','catch'): continue
        depth=0; k=i
        while k<len(lines):
            depth+=lines[k].count('{')-lines[k].count('}')
            if depth<=0: break
            k+=1
        res.append((k-i+1,f,i+1,name))
big=sorted([r for r in res if r[0]>N],reverse=True)
for r in big: print(r)
print('functions over',N,'lines:',len(big))
