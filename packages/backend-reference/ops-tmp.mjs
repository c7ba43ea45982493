import { loadModel } from '@lastmile/onnx';
const m = await loadModel(process.argv[2], { });
const h = {}; for (const n of m.graph.nodes) h[n.domain+':'+n.opType] = (h[n.domain+':'+n.opType] ?? 0) + 1;
console.log(h);
