// Complexity rule: how hard a catalog project is for a learner to read, use and contribute to.
// Invariant: a pure function of the row's metadata; the same row always gives the same level and reasons.

/** Curated collections (github-explore) made for people learning: +3. */
export const LEARNING_COLLECTIONS = Object.freeze([
  'learn-to-code', 'algorithms-and-data-structures', 'cheatsheets', 'teaching-computational-social-science',
  'nextjs-blog-templates',
]);
/** Collections of projects picked for first contributions (well-run, but not necessarily small): +1. */
export const FIRST_CONTRIBUTION_COLLECTIONS = Object.freeze(['choosing-projects']);
/** Curated collections whose projects are systems work: -2. */
export const SYSTEMS_COLLECTIONS = Object.freeze([
  'programming-languages', 'virtual-machines', 'riscv-cores', 'software-defined-radio', 'edge-computing',
  'platform-engineering', 'ai-model-zoos', 'open-source-mlops', 'vulnerability-databases', 'demo-sources',
]);

// Each signal: [name shown in reasons, regular expression over "repo name words + description", weight].
// Positive weights pull towards beginner, negative towards advanced. Each signal counts at most once.
const BEGINNER_WORDS = [
  ['beginner', /\b(beginners?|newbies?|novices?|first[- ]timers?|first contributions?|getting started|introduct(ion|ory)|intro to|for kids|for dummies|zero to|step[- ]by[- ]step)\b/, 2],
  ['small program', /\b(simple|easy|easy-to-use|beginner-friendly|minimal(ist)?|tiny|small|single[- ]file|bot|chrome extension|browser extension|userscripts?|widgets?|game)\b/, 1],
];
const ADVANCED_WORDS = [
  ['compiler', /\b(compilers?|llvm|jit|transpiler|bytecode|assembler|linker|decompiler|disassembler)\b/, -3],
  ['kernel', /\b(kernel|kernels|drivers?|firmware|bootloader|hypervisor|embedded|microcontrollers?|fpga|rtos)\b/, -3],
  ['operating system', /\b(operating systems?|unix-like|posix|microkernel|kernel-mode)\b/, -3],
  ['database engine', /\b(databases?|storage engine|query engine|sql engine|key-value store|olap|oltp|dbms|postgresql|mysql|sqlite)\b/, -2],
  ['distributed', /\b(distributed|consensus|raft|paxos|cluster(s|ing)?|large-scale|high-availability|fault-tolerant|sharding|replication|microservices?|service mesh|kubernetes|containers?|orchestrat(ion|or))\b/, -2],
  ['runtime', /\b(runtime|virtual machine|interpreter|garbage collect(or|ion)|webassembly|wasm|emulator|protocol|networking stack|tcp\/ip)\b/, -3],
  ['framework internals', /\b(infrastructure|control plane|low-level|high-performance|performance-critical|zero-copy|lock-free|simd|gpu|cuda|accelerat(or|ed|ion)|concurren(t|cy)|parallel|asynchronous|non-blocking|scheduler|memory allocator)\b/, -2],
  ['ml systems', /\b(deep learning|neural networks?|tensors?|automatic differentiation|autodiff|inference|training|transformers?|reinforcement learning|large language models?|llms?|diffusion|quantization|probabilistic|bayesian)\b/, -1],
  ['numerical/scientific', /\b(numerical|scientific|solvers?|optimization|simulation|differential equations?|linear algebra|bioinformatics|quantum|cryptograph(y|ic)|blockchain)\b/, -1],
  ['security research', /\b(exploit(s|ation)?|reverse engineering|fuzz(er|ing)|privilege escalation|malware|penetration testing|red team)\b/, -2],
  ['language implementation', /\b(programming language|type checker|type system|static analy(sis|zer)|parser generator|language server|abstract syntax tree|ast)\b/, -2],
];
// "machine learning" is a field, not a learning resource: hide it from the "learn" signal.
const FIELD_NAMES = /\b(machine|deep|reinforcement|federated|statistical|active|transfer|meta|representation|contrastive|online|multi[- ]task|self[- ]supervised|scikit) learn(ing)?\b/g;

// Language of the code a learner would read. No-code lists (Markdown) are the most approachable;
// memory-managed systems languages and advanced type systems the least.
const LANGUAGE_WEIGHT = Object.freeze({
  Markdown: 2, HTML: 1, CSS: 1, 'Jupyter Notebook': 1, TeX: 1, Python: 1, JavaScript: 1, // the usual first languages
  C: -2, 'C++': -2, Rust: -2, Assembly: -2, Haskell: -2, Zig: -2, OCaml: -2, Cuda: -2,
  Verilog: -2, SystemVerilog: -2, VHDL: -2,
  Scala: -1, Clojure: -1, Erlang: -1, Elixir: -1, 'Objective-C': -1, Fortran: -1, 'F#': -1,
});

// The learning kind (kind.mjs) says what a learner does with the project: follow a tutorial, do exercises, read a
// list, look things up, copy an example. Learning material is read, not built: its language and size do not make it
// hard, and only its hardest subject counts (a curated list of compiler and database links is not "advanced" for
// naming many hard subjects).
const KIND_WEIGHT = Object.freeze({ tutorial: 3, exercises: 3, list: 3, book: 2, reference: 2, example: 2 });
const READ_NOT_BUILT = new Set(['tutorial', 'exercises', 'list', 'book', 'reference']);

/**
 * Classify a catalog row.
 * @param {{id:string, kind?:string, description?:string|null, language?:string|null, collections?:string[], categories?:string[],
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
  const kind = row.kind ?? null;
  const readNotBuilt = READ_NOT_BUILT.has(kind);
  if (KIND_WEIGHT[kind]) add(KIND_WEIGHT[kind], `kind: ${kind}`);
  collectionSignals(row.collections || [], readNotBuilt, add);

  // Words: each signal counts once, so a long description cannot pile up points.
  for (const [why, re, w] of BEGINNER_WORDS) if (re.test(text.replace(FIELD_NAMES, '$1-ml'))) add(w, `description: ${why}`);
  const hard = ADVANCED_WORDS.filter(([, re]) => re.test(text));
  // Learning material: only its hardest subject counts.
  for (const [why, , w] of readNotBuilt ? hard.sort((a, b) => a[2] - b[2]).slice(0, 1) : hard) add(w, `description: ${why}`);

  const cats = (row.categories || []).join(' | ').toLowerCase();
  if (/\b(example data|fake data|project templates|reusable app templates|templates)\b/.test(cats)) add(1, 'category: templates/examples');
  if (!readNotBuilt) codeSignals(row, text, cats, add);

  const level = score >= 2 ? 'beginner' : score <= -2 ? 'advanced' : 'intermediate';
  if (reasons.length === 0) reasons.push('no signal: default intermediate');
  return { level, score, reasons };
}

function collectionSignals(collections, readNotBuilt, add) {
  const learning = collections.filter((c) => LEARNING_COLLECTIONS.includes(c));
  if (learning.length) add(3, `learning collection: ${learning.join(', ')}`);
  const firsts = collections.filter((c) => FIRST_CONTRIBUTION_COLLECTIONS.includes(c));
  if (firsts.length) add(1, `first-contribution collection: ${firsts.join(', ')}`);
  const systems = collections.filter((c) => SYSTEMS_COLLECTIONS.includes(c));
  if (systems.length && !readNotBuilt) add(-2, `systems collection: ${systems.join(', ')}`);
}

// Signals of the code itself (a learner builds or reads it): best-of category, language, size, forks.
function codeSignals(row, text, cats, add) {
  if (/\b(machine learning frameworks|distributed|gpu|python implementations|jupyter kernels|big data|privacy machine learning|model serialization)\b/.test(cats)) add(-2, 'category: systems/frameworks');
  // Language: no-code lists and web basics are approachable; systems languages are not.
  const lang = row.language || null;
  if (lang && LANGUAGE_WEIGHT[lang]) add(LANGUAGE_WEIGHT[lang], `language: ${lang}`);
  else if (!lang && /\b(awesome|list|books?|resources?)\b/.test(text)) add(1, 'no code: a list');
  // Size: a project with hundreds of contributors is a large codebase; a very large fork count on a list means
  // people copy it to learn (tutorial repos are forked far more per star than libraries).
  const contributors = row.contributors ?? null;
  if (contributors != null && contributors >= 1000) add(-1, `size: ${contributors} contributors`);
  else if (contributors != null && contributors <= 5) add(1, `size: ${contributors} contributors, a codebase one person can read`);
  const stars = row.stars ?? null;
  const forks = row.forks ?? null;
  if (stars != null && forks != null && stars >= 1000 && forks / stars >= 0.4) add(1, `forked to practise: ${(forks / stars).toFixed(2)} forks per star`);
}
