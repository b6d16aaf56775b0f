// Weight-only int8 quantisation of the converted float32 ONNX model (the float32 file stays the reference).
//
// Every rank-2 float32 initializer with at least MIN_ELEMENTS values is stored as int8 with one symmetric scale
// per output channel (scale = max|w| / L, zero point 0, q = round(w / scale) clamped to [-L, L], L = LEVELS unless
// given). With L = 127 the codes use the whole int8 range and barely compress; fewer levels make brotli shrink the
// file on the wire (same int8 file, same graph), but below 127 the content ranking's top-10 agreement with float32
// falls under its 0.95 target (models/README.md, "Levels per channel"; tests/model/int8-levels.mjs), so 127 stays:
//   - a MatMul weight [Cin, Cout] → DequantizeLinear(q, scale[Cout], axis 1) feeding the MatMul (opset 13 per-axis);
//   - the token-embedding table [V, D] read by Gather(axis 0) → the int8 rows and their scales are gathered first,
//     then Cast + Mul: only the looked-up rows are dequantised, never the whole 8002 × 256 table per run.
// Activations stay float32, so every op runs in ONNX Runtime's default CPU / WASM kernels.
// Deterministic: the same float32 file gives the same int8 bytes.

export const MIN_ELEMENTS = 4096;
export const LEVELS = 127;

// A level count must be an integer in 1..127 (the codes are int8, symmetric around zero).
export function checkLevels(levels) {
  if (!Number.isInteger(levels) || levels < 1 || levels > 127)
    throw new Error(`quantize: levels must be an integer from 1 to 127, got ${levels}`);
  return levels;
}

function floats(t) {
  const raw = t.rawData;
  if (raw && raw.length) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return Float32Array.from(t.floatData);
}

// Per-channel symmetric int8 of a row-major [rows, cols] matrix; axis 0 = one scale per row, 1 = per column;
// codes in [-levels, levels].
export function quantizeMatrix(w, rows, cols, axis, levels = LEVELS) {
  checkLevels(levels);
  const channels = axis === 0 ? rows : cols;
  const maxAbs = new Float32Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const ch = axis === 0 ? r : c;
      const a = Math.abs(w[r * cols + c]);
      if (a > maxAbs[ch]) maxAbs[ch] = a;
    }
  }
  const scale = Float32Array.from(maxAbs, (m) => (m > 0 ? m / levels : 1));
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scale[axis === 0 ? r : c];
      q[r * cols + c] = Math.max(-levels, Math.min(levels, Math.round(w[r * cols + c] / s)));
    }
  }
  return { q, scale };
}

function consumersOf(graph) {
  const map = new Map();
  for (const n of graph.node) {
    n.input.forEach((name, slot) => {
      if (!map.has(name)) map.set(name, []);
      map.get(name).push({ node: n, slot });
    });
  }
  return map;
}

const gatherAxis = (n) => Number(n.attribute.find((a) => a.name === 'axis')?.i ?? 0);

// Which layout a weight gets: 'matmul' (every use is MatMul's second input), 'gather' (every use is
// Gather(axis 0)'s data input), or null (left in float32).
function weightRole(uses) {
  if (uses.every((u) => u.node.opType === 'MatMul' && u.slot === 1)) return 'matmul';
  if (uses.every((u) => u.node.opType === 'Gather' && u.slot === 0 && gatherAxis(u.node) === 0)) return 'gather';
  return null;
}

// Returns { bytes, stats } of the int8 model made from the float32 ModelProto bytes, codes in [-levels, levels].
export function quantizeModel(onnx, floatBytes, { levels = LEVELS } = {}) {
  checkLevels(levels);
  const model = onnx.ModelProto.decode(floatBytes);
  const graph = model.graph;
  const DT = onnx.TensorProto.DataType;
  const uses = consumersOf(graph);
  const pre = []; // DequantizeLinear nodes, placed before every other node
  const extra = []; // scales, zero points, axes
  const stats = { levels, quantized: 0, int8_values: 0, kept_float: 0, matmul: 0, gather: 0 };
  const tensor = (name, dataType, dims, bytes) =>
    onnx.TensorProto.create({ name, dataType, dims, rawData: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  const node = (opType, input, output, attribute = []) => onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });
  const intAttr = (name, i) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });

  graph.initializer = graph.initializer.map((t) => {
    const dims = t.dims.map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    const role = t.dataType === DT.FLOAT && dims.length === 2 && count >= MIN_ELEMENTS ? weightRole(uses.get(t.name) ?? []) : null;
    if (!role) {
      if (t.dataType === DT.FLOAT && count >= MIN_ELEMENTS) stats.kept_float++;
      return t;
    }
    const [rows, cols] = dims;
    const axis = role === 'gather' ? 0 : 1;
    const { q, scale } = quantizeMatrix(floats(t), rows, cols, axis, levels);
    const qName = `${t.name}/int8`;
    const sName = `${t.name}/scale`;
    stats.quantized++;
    stats[role]++;
    stats.int8_values += count;
    if (role === 'matmul') {
      const zName = `${t.name}/zero_point`;
      pre.push(node('DequantizeLinear', [qName, sName, zName], [t.name], [intAttr('axis', 1)]));
      extra.push(tensor(sName, DT.FLOAT, [cols], scale), tensor(zName, DT.INT8, [cols], new Int8Array(cols)));
    } else {
      rewriteGathers(uses.get(t.name), { qName, sName, graph, extra, node, intAttr, DT, onnx });
      extra.push(tensor(sName, DT.FLOAT, [rows], scale));
    }
    return tensor(qName, DT.INT8, dims, q);
  });
  graph.initializer.push(...extra);
  graph.node = [...pre, ...graph.node];
  const bytes = onnx.ModelProto.encode(model).finish();
  return { bytes, stats: { ...stats, nodes: graph.node.length } };
}

// Gather(W, ids) → Mul(Cast(Gather(Wq, ids), float), Unsqueeze(Gather(scale, ids), -1)), spliced in place.
function rewriteGathers(gathers, { qName, sName, graph, extra, node, intAttr, DT, onnx }) {
  for (const { node: g } of gathers) {
    const out = g.output[0];
    const ids = g.input[1];
    const axesName = `${out}/int8_axes`;
    extra.push(
      onnx.TensorProto.create({ name: axesName, dataType: DT.INT64, dims: [1], rawData: Buffer.from(new BigInt64Array([-1n]).buffer) }),
    );
    const replacement = [
      node('Gather', [qName, ids], [`${out}/int8_rows`], [intAttr('axis', 0)]),
      node('Cast', [`${out}/int8_rows`], [`${out}/rows_f32`], [intAttr('to', DT.FLOAT)]),
      node('Gather', [sName, ids], [`${out}/row_scales`], [intAttr('axis', 0)]),
      node('Unsqueeze', [`${out}/row_scales`, axesName], [`${out}/row_scales_1`]),
      node('Mul', [`${out}/rows_f32`, `${out}/row_scales_1`], [out]),
    ];
    const at = graph.node.indexOf(g);
    graph.node.splice(at, 1, ...replacement);
  }
}
