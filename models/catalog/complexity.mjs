// Complexity rule: how hard a catalog project is for a learner to read, use and contribute to.
// Invariant: a pure function of the row's metadata; the same row always gives the same level and reasons.

/** Curated collections (github-explore) made for people learning. */
export const LEARNING_COLLECTIONS = Object.freeze([
  'learn-to-code', 'algorithms-and-data-structures', 'cheatsheets', 'choosing-projects',
  'github-pages-examples', 'teaching-computational-social-science', 'nextjs-blog-templates',
]);
/** Curated collections whose projects are systems work. */
export const SYSTEMS_COLLECTIONS = Object.freeze([
  'programming-languages', 'virtual-machines', 'riscv-cores', 'software-defined-radio', 'edge-computing',
  'platform-engineering', 'ai-model-zoos', 'open-source-mlops',
]);

// Each signal: [name shown in reasons, regular expression over "name + description", weight].
// Positive weights pull towards beginner, negative towards advanced.
const BEGINNER_WORDS = [
  ['tutorial', /\btutorials?\b/, 2],
  ['examples', /\b(examples?|samples?|demos?)\b/, 1],
  ['beginner', /\b(beginners?|newbies?|novices?|first[- ]timers?|getting started|introduct(ion|ory)|intro to|for kids|for dummies)\b/, 2],
  ['course', /\b(course|courses|curriculum|bootcamp|lessons?|lectures?|classes|syllabus|mooc)\b/, 2],
  ['learn', /\b(learn|learning to|learning resources?|study|studying|teach|teaching|education(al)?)\b/, 2],
  ['awesome list', /\b(awesome|curated list|list of|collection of (links|resources)|resources? for|free (programming )?books?|books?|cheat ?sheets?)\b/, 2],
  ['interview', /\b(interviews?|leetcode|coding challenges?|system design)\b/, 2],
  ['roadmap', /\b(roadmaps?|guides?|handbook|primer|cookbook|notes|best practices)\b/, 1],
  ['exercises', /\b(exercises?|practice|katas?|challenges|projects? (ideas|to build)|100 ?days|from scratch|build your own)\b/, 2],
  ['algorithms collection', /\b(algorithms|data structures)\b.*\b(implemented|implementations?|in (python|java|javascript|c\+\+|go|swift))\b/, 1],
  ['simple/easy', /\b(simple|easy|easy-to-use|beginner-friendly|minimal|lightweight|tiny|small)\b/, 1],
];
const ADVANCED_WORDS = [
  ['compiler', /\b(compilers?|llvm|jit|transpiler|bytecode|assembler|linker)\b/, -3],
  ['kernel', /\b(kernel|kernels|drivers?|firmware|bootloader|hypervisor|embedded)\b/, -3],
  ['database engine', /\b(database( management)? (system|engine)|storage engine|query engine|sql engine|key-value store|time-series database|olap|oltp|dbms)\b/, -3],
  ['distributed', /\b(distributed|consensus|raft|paxos|cluster(s|ing)?|scalable|large-scale|high-availability|fault-tolerant|sharding|replication)\b/, -2],
  ['runtime', /\b(runtime|virtual machine|interpreter|garbage collect(or|ion)|webassembly|wasm)\b/, -2],
  ['framework internals', /\b(framework for building|infrastructure|orchestrat(ion|or)|service mesh|control plane|low-level|high-performance|performance-critical|zero-copy|lock-free|simd|gpu|cuda|accelerat(or|ed))\b/, -2],
  ['operating system', /\b(operating systems?|unix-like|posix|microkernel|kernel-mode)\b/, -3],
  ['deep learning system', /\b(deep learning framework|tensor(s)? library|automatic differentiation|autodiff|inference engine|training (large|at scale)|llm (inference|serving)|model serving|quantization)\b/, -2],
  ['security research', /\b(exploit(s|ation)?|reverse engineering|fuzz(er|ing)|privilege escalation|malware|decompiler|disassembler)\b/, -2],
  ['language implementation', /\b(programming language|type checker|static analysis|parser generator|language server)\b/, -2],
];

const BEGINNER_LANGUAGES = new Set(['Markdown', 'HTML', 'CSS', 'Jupyter Notebook', 'TeX']);
const SYSTEMS_LANGUAGES = new Set(['C', 'C++', 'Rust', 'Assembly', 'Haskell', 'Zig', 'OCaml', 'Erlang', 'Verilog', 'SystemVerilog', 'VHDL', 'Cuda']);

/**
 * Classify a catalog row.
 * @param {{id:string, description?:string|null, language?:string|null, collections?:string[], categories?:string[],
 *          labels?:string[], stars?:number|null, forks?:number|null, contributors?:number|null}} row
 * @returns {{level:'beginner'|'intermediate'|'advanced', score:number, reasons:string[]}}
 */
export function classifyComplexity(row) {
  const reasons = [];
  let score = 0;
  const add = (w, why) => { score += w; reasons.push(`${w > 0 ? '+' : ''}${w} ${why}`); };

  const name = (row.id || '').split('/')[1] || '';
  // Repository names carry signals too (awesome-python, javascript-algorithms); split them into words.
  const text = `${name.replace(/[-_.]+/g, ' ')} ${row.description || ''}`.toLowerCase();

  const collections = row.collections || [];
  const learning = collections.filter((c) => LEARNING_COLLECTIONS.includes(c));
  if (learning.length) add(3, `learning collection: ${learning.join(', ')}`);
  const systems = collections.filter((c) => SYSTEMS_COLLECTIONS.includes(c));
  if (systems.length) add(-2, `systems collection: ${systems.join(', ')}`);

  // Words: each signal counts once, so a long description cannot pile up points.
  for (const [why, re, w] of BEGINNER_WORDS) if (re.test(text)) add(w, `description: ${why}`);
  for (const [why, re, w] of ADVANCED_WORDS) if (re.test(text)) add(w, `description: ${why}`);

  // best-of curators' categories and labels.
  const cats = (row.categories || []).join(' | ').toLowerCase();
  if (/\b(example data|fake data|project templates|reusable app templates|templates)\b/.test(cats)) add(1, 'category: templates/examples');
  if (/\b(machine learning frameworks|distributed|gpu|python implementations|jupyter kernels|big data|privacy machine learning|model serialization)\b/.test(cats)) add(-2, 'category: systems/frameworks');

  // Language: no-code lists and web basics are approachable; systems languages are not.
  const lang = row.language || null;
  if (lang && BEGINNER_LANGUAGES.has(lang)) add(1, `language: ${lang}`);
  else if (lang && SYSTEMS_LANGUAGES.has(lang)) add(-1, `language: ${lang}`);
  else if (!lang && /\b(awesome|list|books?|resources?)\b/.test(text)) add(1, 'no code: a list');

  // Size: a project with hundreds of contributors is a large codebase; a very large fork count on a list means
  // people copy it to learn (tutorial repos are forked far more per star than libraries).
  const contributors = row.contributors ?? null;
  if (contributors != null && contributors >= 500) add(-2, `size: ${contributors} contributors`);
  else if (contributors != null && contributors >= 150) add(-1, `size: ${contributors} contributors`);
  const stars = row.stars ?? null;
  const forks = row.forks ?? null;
  if (stars != null && forks != null && stars >= 1000 && forks / stars >= 0.4) add(1, `forked to practise: ${(forks / stars).toFixed(2)} forks per star`);

  const level = score >= 2 ? 'beginner' : score <= -2 ? 'advanced' : 'intermediate';
  if (reasons.length === 0) reasons.push('no signal: default intermediate');
  return { level, score, reasons };
}
