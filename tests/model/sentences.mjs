// Varied sentences for the model equivalence test: short, long (> 128 tokens), unicode, programming
// topics, learner profiles, punctuation and whitespace oddities, unknown characters.
const LONG_PROFILE =
  "I'm a self-taught developer who spent the last three years writing Python scripts for data cleaning at a " +
  'logistics company. Now I want to move into backend engineering: I am comfortable with pandas, SQL and a bit of ' +
  'Flask, I have read about Docker and Kubernetes but never deployed anything serious, and I would love to contribute ' +
  'to an open-source project that has good first issues, friendly maintainers, clear documentation, a test suite I ' +
  'can run locally, and ideally something related to APIs, queues or databases. I can spend about six hours a week, ' +
  'mostly on weekends, and I prefer projects with a code of conduct and a welcoming community.';

const LONG_REPEAT = Array.from({ length: 40 }, (_, i) => `token${i} graph neural network`).join(' ');

export const SENTENCES = [
  // short
  'Rust',
  'hi',
  'a',
  'C++',
  'ML',
  '?',
  'Go!',
  'web dev',
  // programming topics
  'A fast HTTP server written in Rust',
  'machine learning in python',
  'deep learning with pytorch',
  'baking sourdough bread',
  'A Kubernetes operator for managing PostgreSQL clusters',
  'Jupyter notebooks teaching PyTorch from scratch',
  'React component library with accessible date pickers',
  'Static site generator written in Go with Markdown support',
  'A tiny Lisp interpreter in C, under 1000 lines',
  'Compiler construction course: lexer, parser, type checker and LLVM backend',
  'WebAssembly runtime for embedded devices',
  'CLI tool to lint YAML and JSON files in CI pipelines',
  'GraphQL API gateway with rate limiting and caching',
  'Terraform modules for AWS, GCP and Azure',
  'Android app for tracking habits, built with Kotlin and Jetpack Compose',
  'Game engine in C# with an entity component system',
  'Vector database with HNSW index and SIMD distance kernels',
  'Linux kernel driver for a USB temperature sensor',
  'fn main() { println!("Hello, world!"); }',
  'SELECT name, COUNT(*) FROM repos GROUP BY name HAVING COUNT(*) > 1;',
  'npm install --save-dev typescript @types/node',
  'https://example.org/path?query=1&x=2 :) :( :-) 10:30 12:00',
  // learner profiles
  'I want to learn Rust and systems programming',
  'Beginner in JavaScript looking for a friendly first open-source contribution',
  'Experienced Java developer moving to functional programming with Scala or Haskell',
  'Data analyst who knows SQL and Excel, wants to learn statistics and R',
  'Student interested in robotics, ROS and computer vision with OpenCV',
  'I teach high-school maths and want interactive visualisations in the browser',
  'Frontend engineer curious about accessibility and design systems',
  'Security enthusiast: CTFs, reverse engineering, fuzzing',
  LONG_PROFILE,
  // long, well beyond the 128-token cap
  LONG_REPEAT,
  (LONG_PROFILE + ' ').repeat(2),
  // unicode
  'Café, naïve façade, résumé — déjà vu',
  'Übersetzung von Programmiersprachen für Anfänger',
  'Привет, мир! Изучаю программирование на Python',
  '日本語のテキストと機械学習',
  '机器学习 and 深度学习 resources in Chinese',
  'مرحبا بالعالم: البرمجة للمبتدئين',
  'Emoji party 🚀🔥✨ deploy to prod on Friday 😅',
  'ＦＵＬＬ　ＷＩＤＴＨ text with ideographic space',
  'ligatures ﬁ ﬂ and superscripts x² ³ and fractions ½',
  'Ελληνικά και λάμδα λογισμός',
  'Tiếng Việt: lập trình web',
  'नमस्ते दुनिया, मशीन लर्निंग',
  // whitespace and punctuation oddities
  '  leading and trailing spaces  ',
  'double  spaces   and    more',
  'tabs\tand\nnewlines\r\nin text',
  'UPPERCASE SHOUTING ABOUT DOCKER',
  'lowercase only about docker',
  '!!!???...,,,;;;',
  '1234567890 3.14159 1e-5 0xDEADBEEF',
  '"quoted" \'single\' `backticks` (parens) [brackets] {braces} <angles>',
  '\u00a0non-breaking\u00a0spaces\u00a0here',
  'zero\u200bwidth\u200bspace and soft\u00adhyphen',
];
