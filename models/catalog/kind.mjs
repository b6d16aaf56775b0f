// Learning kind: what a catalog project is for a learner (a tutorial to follow, a book to read, exercises to do,
// an example to copy, a list or roadmap to navigate, a reference to look things up in, or software: a library,
// a tool or an application). Invariant: a pure function of the row's metadata (name, description, topics,
// best-of categories and labels, Explore collections, language, stars); the same row always gives the same kind.

/** Every kind, in the order the shard and the API list them. The first six are learning material. */
export const KINDS = Object.freeze(['tutorial', 'book', 'exercises', 'example', 'list', 'reference', 'library', 'tool', 'app']);
export const LEARNING_KINDS = Object.freeze(['tutorial', 'book', 'exercises', 'example', 'list', 'reference']);

// Fields of study whose names contain "learn": hidden before the learning-word tests ("machine learning" is a
// library's subject, not a course).
const FIELD_NAMES = /\b(machine|deep|reinforcement|federated|statistical|active|transfer|meta|metric|representation|contrastive|online|multi[- ]task|self[- ]supervised|unsupervised|supervised|semi[- ]supervised|few[- ]shot|zero[- ]shot|graph|imitation|incremental|continual|ensemble|q|scikit|easy to|fast to|simple to) ?-?learn(ing|s)?\b/g;
// "Learning to Rank", "Learning to Learn": research tasks named in paper titles, not courses.
const LEARNING_TO_TASK = /\blearning to (rank|learn|hash|see|paint|walk|drive|navigate|optimi[sz]e|search|segment|communicate|reason|simulate|track|detect|predict|generate|match|count|localize|estimate|compose|grasp|act|infer)\b/g;

// Each rule: [kind, name shown in reasons, regular expression over "repo name words + description"].
// Order matters: the first rule that matches decides (algorithm implementations are a reference; a list of tutorials
// is a list; solutions to a book's exercises are exercises; a tutorial with examples is a tutorial).
const TEXT_RULES = [
  // Collections of algorithm implementations are read and looked up, not followed ("All Algorithms implemented in
  // Python"), unless they say they are examples.
  ['reference', 'algorithm implementations', /\b(algorithms?|data structures)\b[^.]{0,40}\bimplemented\b|\b(algorithms?|data structures?) implementations?\b|\bimplementations? of (various |common |popular |classic )?(algorithms|data structures)\b/],
  ['list', 'curated list', /^awesome\b|^[a-z0-9 ]*\bawesome$|^[a-z0-9 ]*\bawesome [a-z0-9 ]*\b(a )?(collection|list) of|collection of [a-z ]*resources|\b(awesome[- ]lists?|curated list|curated collection of (links|resources|books|tools|tutorials|articles|papers)|list of (awesome|free|useful|great|best|public|resources|links|books|tools|apis|projects|tutorials|courses)|lists? of lists|collection of (awesome|links|resources|books|tutorials|papers)|reading list|resources? (list|for learning)|directory of (free )?[a-z0-9 .+#-]{0,25}(books|ebooks|resources|links|tutorials|courses)|free [a-z0-9 .+#-]{0,25}e?books|books to read|next book to read|roadmaps? (to|for|of)|developer roadmap|learning (paths?|resources))\b|^[a-z0-9 ]*\broadmaps?\b/],
  ['exercises', 'exercises', /^[a-z0-9 ]*\b(challenges|interview)\b|\b(exercises?|project ideas|ctf challenges|katas?|koans|coding challenges?|programming challenges?|practice problems?|problem sets?|leetcode|hackerrank|codewars|interviews?|interview questions?|coding interviews?|interview (prep|preparation)|quiz(zes)?|puzzles?|\d+ ?days of|assignments|homework|(problems'?|leetcode) solutions|solutions? (to|for|of) (the )?(exercises|problems|assignments|homework|leetcode|puzzles|challenges))\b/],
  ['book', 'book', /\b(books?|ebooks?|textbooks?|handbook|book series|free book|open[- ]source book|chapters?)\b/],
  ['tutorial', 'tutorial or course', /\b(tutorials?|(?<!of )courses?|curriculum|bootcamp|lessons?|lectures?|workshops? (material|for)|learn(ing)? (to|how|the|about|[a-z+#]+ (by|with|in|the hard way))|step[- ]by[- ]step|(build|write|implement|make|create|learn)\w* [^.]{0,40}from scratch|from scratch (tutorial|guide|course)|for beginners|beginners? guide|guide to|introduction to|intro to|explained|study (notes|guide|plan)|educational|when learning|learning notes|teach(es|ing)? (you|how)|self[- ](taught|study)|learn [a-z+#]+ basics|learning (materials?|notes|guide))\b|^(learn|learning)\b|^[a-z0-9 ]*from scratch\b/],
  // The same in Chinese: tutorial, study notes, introductory guide, "from beginner to …", study guide.
  ['tutorial', 'tutorial or course (Chinese)', /教程|学习笔记|入门指南|从入门到|学习指南/],
  ['example', 'example app or template', /\b(examples?|samples?|sample (app|code|project)s?|demo (app|application|project|code|site)s?|starters?|starter kit|boilerplates?|templates?|scaffold(ing)?|skeleton|seed project|clone of|(app|ui|website|site) clone|\w+ clone (built|made|written|using|app|in|with)|showcase|realworld|real world example|(personal|developer|portfolio) (website|site|template|page)|portfolio (website|site|template|page)|dotfiles|dot files|(jekyll|hugo|wordpress|bootstrap|admin|blog|ghost|hexo) theme|(app|application|project) (illustrating|demonstrating|showing))\b/],
  ['reference', 'cheatsheet or reference', /\b(cheat ?sheets?|quick reference|references? for|style ?guides?|^[a-z0-9.+# ]*best practices|best practices (list|for)|design patterns|one[- ]liners|(collection of|useful|code) snippets|^[a-z0-9.+# ]*\bsnippets|guidelines|tips( and tricks)?|conventions|api documentation|man pages)\b/],
];
// Curated tags that say the kind on their own: Explore collections, best-of categories, and the few topics that are
// unambiguous (most topics are found in the description, which the text rules above have already read).
const TAG_RULES = [
  ['exercises', ['leetcode', 'koans', 'algorithms-and-data-structures']],
  ['tutorial', ['tutorial', 'coursera', 'learn-to-code', 'teaching-computational-social-science']],
  ['reference', ['cheatsheet', 'cheatsheets']],
  ['example', ['nextjs-blog-templates', 'project-templates', 'reusable-app-templates', 'dotfiles']],
];
// Tools that make books or courses are software, not books ("Create book from markdown files").
// Software words that overrule the reference and example rules ("a toolbox to generate adversarial examples",
// "a formatter based on the community style guide").
const SOFTWARE_HEAD = /\b(automate|latex (package|class)|package to|(probabilistic|programming) language|no[- ]boilerplate|library|toolbox|toolkit|wrapper|adapter|plugin|components?|analy[sz]er|formatter|formats|linter|auditing|client for|framework for|sdk|implementation of|implements|generator|generating|tool|enforce|scripts|template language|templat(e|es|ing) (engine|system|language)|javascript templates|boilerplate code|playable|tools and (sample|example)s? code|self-hosted|documentation browser|viewer|mockups|for (neo)?vim|for emacs|templates for (python|java|javascript|ruby|php|go|perl|c\+\+)|(on-?line|live) demo|demo (site|page) at)\b/;
// Software that handles books (readers, generators) or that a book is about, not a book.
const BOOK_VETO = /\b(library|software|generator|tools for|class for|producing|package|manager|markup|reader|readers|reading app|e-?book formats?|manga|presentations|knowledge bases?)\b/;
// A list rule fires on "awesome" and "collection of", which also name software ("a collection of awesome flat UI
// components", "awesome-slugify: Python slugify function"): these words keep it software.
const LIST_VETO = /\b(function|color ?schemes|organi[sz]e)\b|^(?!awesome\b).*\bcomponents\b/;
const MAKES_MATERIAL = /\b(turns?|converts?|create|creates|build|builds|generate|generates|write|writing|building|publish|publishing|authoring|download|downloader|reader|editor|platform|app for|manage|render|viewer|lms|serve)\b[^.]{0,40}\b(books?|ebooks?|courses?|tutorials?|lessons?|exercises|quiz(zes)?|cheat ?sheets?|templates?|themes?|demos?)\b|\b(gitbook|mdbook|notebook|bookmarks?|storybook|facebook|template engine|templating|theme (engine|switcher)|themes? for|example-based|demo mode)\b/;

// Software that teaches or makes courses, not a course: generators, tools, plugins, a skill that turns code into a
// course, an educational programming environment, a course's companion package, a data set.
const TUTORIAL_VETO = /\b(generator|tool|plugin|organi[sz]e|skill that|turns? any|educational [a-z ]{0,25}environment|(course|book) package|dataset)\b/;
// Templates that are software or a tool's input, not a project to start from: a template language ("Embedded
// CoffeeScript templates"), a converter's template ("a pandoc LaTeX template to convert …"), an installer.
const TEMPLATE_SOFTWARE = /\bembedded [a-z+#]+ templates\b|\btemplates? to convert\b|\bpandoc\b|\binstaller\b/;
// Algorithm implementations of one domain (cryptographic, imputation …) are a library, not a reference to read.
const DOMAIN_ALGORITHMS = /\b(cryptographic|crypto|secure|imputation|completion|compression|encryption|hashing|clustering|matching|optimi[sz]ation|numerical)\b[^.]{0,20}\balgorithms\b/;
// Chinese descriptions that name a tutorial (教程) beside the software they are about: a shop or management system
// (商城系统, 管理系统), script (脚本), server (服务器), management UI (管理界面) or circumvention proxy (翻墙) is software.
const CHINESE_SOFTWARE = /(商城系统|管理系统|脚本|服务器|管理界面|翻墙)/;

const APP_WORDS = /\b(app|apps|application|gui client|desktop client|player|game|games|self-hosted|desktop|dashboard|platform|website|web site|bot|launcher|browser|server for|music player|reader|viewer|manager for|emulator|operating system|distribution|os|wallet|messenger|chat|editor for|note[- ]taking|notes app|social network|forum|blog engine|cms|e-commerce|erp|crm)\b/;
const TOOL_WORDS = /\b(cli|command[- ]line|tools?|utilit(y|ies)|linters?|formatters?|generators?|plugins?|extensions?|ide|debuggers?|profilers?|package managers?|build (system|tool)|bundlers?|compilers?|converters?|downloaders?|terminal|shell|scripts?|automation|deploy(ment)? tool|static site generator|version manager|checker|analy[sz]er|benchmark(ing)?|monitor(ing)?|proxy|vpn)\b/;
const LIBRARY_WORDS = /\b(library|libraries|lib|framework|frameworks|sdk|api wrapper|bindings?|wrappers?|packages?|modules?|toolkit|engine|implementation(s)? of|components?|hooks?|middleware|orm|driver|client library|parser|runtime)\b/;
const TOOL_TAGS = ['cli', 'devops-tools', 'clean-code-linters', 'productivity-tools', 'text-editors', 'software-development-tools',
  'github-browser-extensions', 'bookmarklets-and-userscripts', 'linters-&-style-checkers', 'code-formatters', 'developer-tools',
  'build-tools', 'debugging-tools', 'testing-tools', 'load-testing', 'static-site-generators', 'browser-extension',
  'extension', 'userscript', 'vim', 'neovim', 'jupyterlab-extensions', 'jupyter-extensions', 'sbt-plugins', 'code-inspection'];
const APP_TAGS = ['applications', 'desktop-applications', 'self-hosted', 'game-engines', 'web-games', 'fantasy-consoles',
  'voxel-editors', 'pixel-art-tools', 'clipboard-managers', 'music', 'vlc-media-player', 'internal-tools', 'ss13', 'webapp'];

const norm = (s) => String(s).trim().toLowerCase().replace(/[\s_]+/g, '-');

function textOf(row) {
  const name = (row.id || '').split('/')[1] || '';
  // Emoji shortcodes (":books:") are decoration, not words; a web address and the word labelling it ("Book:
  // https://…", "…/fq-book") are links, not what the project is.
  const description = (row.description || '').replace(/:[a-z0-9_+-]+:/g, ' ')
    .replace(/(\b[\w-]+: ?)?(https?:\/\/|www\.)\S*/gi, ' ');
  // "curriculum vitae" is a CV, not a curriculum.
  return `${name.replace(/[-_.]+/g, ' ')} ${description}`.toLowerCase().replace(FIELD_NAMES, '$1-field')
    .replace(LEARNING_TO_TASK, 'task-field-$1').replace(/curriculum vitae/g, 'cv');
}

// described: the row has a description (the cheatsheets collection alone, with no description, lists CLI cheat tools as
// well as cheatsheets, so it does not make a reference on its own).
function learningKind(text, tags, described) {
  const makesMaterial = MAKES_MATERIAL.test(text);
  for (const [kind, why, re] of TEXT_RULES) {
    if (!re.test(text) || (makesMaterial && kind !== 'list')) continue;
    if ((kind === 'reference' || kind === 'example') && SOFTWARE_HEAD.test(text)) continue;
    if (kind === 'reference' && /\b(theme|icons?|prettier|highlight\w*)\b/.test(text)) continue;
    if (why === 'algorithm implementations' && /\bexamples?\b/.test(text)) continue;
    if (kind === 'book' && BOOK_VETO.test(text)) continue;
    if (kind === 'tutorial' && TUTORIAL_VETO.test(text)) continue;
    if (kind === 'exercises' && /\b(templates?|showcases?|cli|command[- ]line|dataset|fitness)\b/.test(text)) continue;
    if (kind === 'example' && TEMPLATE_SOFTWARE.test(text)) continue;
    if (why === 'algorithm implementations' && DOMAIN_ALGORITHMS.test(text)) continue;
    if (why === 'tutorial or course (Chinese)' && CHINESE_SOFTWARE.test(text)) continue;
    if (kind === 'list' && LIST_VETO.test(text)) continue;
    return { kind, reason: `description: ${why}` };
  }
  for (const [kind, names] of TAG_RULES) {
    const hit = tags.find((t) => names.includes(t));
    if (hit && !makesMaterial && !softwareHead(kind, text) && (kind !== 'reference' || described)) return { kind, reason: `tag: ${hit}` };
  }
  return null;
}

// The tag rules obey the same software vetoes as the text rules ("an interactive cheatsheet tool", "doc/tutorial
// generator" tagged cheatsheet / tutorial, "script for downloading Coursera videos" tagged coursera are software).
function softwareHead(kind, text) {
  if (kind === 'exercises') return /\b(cli|command[- ]line)\b/.test(text);
  return /\b(tool|cli|generator|plugin|script|downloader|downloading)\b/.test(text);
}

function softwareKind(row, text, tags) {
  const toolTag = tags.find((t) => TOOL_TAGS.includes(t));
  const appTag = tags.find((t) => APP_TAGS.includes(t));
  const lib = LIBRARY_WORDS.test(text);
  // best-of lists catalogue packages: a best-of row is a library unless its words say tool or app.
  const bestOf = (row.categories || []).length > 0;
  if (TOOL_WORDS.test(text) && !lib) return { kind: 'tool', reason: 'description: tool' };
  if (APP_WORDS.test(text) && !lib) return { kind: 'app', reason: 'description: application' };
  if (lib) return { kind: 'library', reason: 'description: library or framework' };
  if (toolTag) return { kind: 'tool', reason: `tag: ${toolTag}` };
  if (appTag) return { kind: 'app', reason: `tag: ${appTag}` };
  if (bestOf) return { kind: 'library', reason: 'best-of package' };
  return { kind: 'library', reason: 'no signal: default library' };
}

/**
 * Classify a catalog row.
 * @param {{id:string, description?:string|null, language?:string|null, topics?:string[], collections?:string[],
 *          categories?:string[], labels?:string[], stars?:number|null}} row
 * @returns {{kind:string, reasons:string[]}}
 */
export function classifyKind(row) {
  const text = textOf(row);
  const tags = [...(row.topics || []), ...(row.categories || []), ...(row.labels || []), ...(row.collections || [])].map(norm);
  const learning = learningKind(text, tags, Boolean((row.description || '').trim()));
  if (learning) {
    // A repository with no code and no description beyond its name that a curated collection lists for learners.
    return { kind: learning.kind, reasons: [learning.reason] };
  }
  // No language and a list-like name: a Markdown list or notes without a recognised word.
  if (!row.language && /\b(awesome|list|links|resources|notes)\b/.test(text)) return { kind: 'list', reasons: ['no code: a list'] };
  const s = softwareKind(row, text, tags);
  return { kind: s.kind, reasons: [s.reason] };
}
