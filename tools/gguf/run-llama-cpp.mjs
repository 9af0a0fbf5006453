// Runs a GGUF model through llama.cpp (node-llama-cpp 3.21.1, CPU) and writes, for the token sequences of
// sequences.json, the log-probabilities llama.cpp gives every vocabulary token at every position (temperature 1, no
// truncation) and greedy continuations, as a JSON fixture for Rebel's tests.
//
//   node tools/gguf/run-llama-cpp.mjs MODEL.gguf SEQUENCES.json OUT.json
import fs from "node:fs";
import path from "node:path";
import { getLlama } from "node-llama-cpp";

const [modelPath, sequencesPath, outPath] = process.argv.slice(2);
if (!outPath) {
    console.error("usage: node run-llama-cpp.mjs MODEL.gguf SEQUENCES.json OUT.json");
    process.exit(2);
}
const sequences = JSON.parse(fs.readFileSync(sequencesPath, "utf8"));
const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const exact = { temperature: 1, topK: 0, topP: 1, minP: 0 };

async function withSequence(run) {
    const context = await model.createContext({
        contextSize: 64, batchSize: 64, sequences: 1, threads: 1, flashAttention: false,
        // llama.cpp caches K and V in F16 by default, and its CPU flash attention computes in F16: keep both F32
        experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32",
    });
    try {
        return await run(context.getSequence());
    } finally {
        await context.dispose();
    }
}

// ln p(token | prefix) for every token, at every position: ln of llama.cpp's softmax over the raw logits.
const logprobs = [];
for (const ids of sequences.logits) {
    const rows = await withSequence(async (sequence) => {
        const input = ids.map((t) => [t, { generateNext: { probabilities: true, options: exact } }]);
        const output = await sequence.controlledEvaluate(input);
        return output.map((o) => {
            const row = new Array(model.tokens.vocabularySize ?? 0).fill(null);
            for (const [token, p] of o.next.probabilities) row[token] = Number(Math.log(p).toFixed(6));
            return row;
        });
    });
    logprobs.push({ ids, logprobs: rows });
}

// Greedy continuations (temperature 0), a fixed number of steps, not stopping at EOS.
const greedy = [];
for (const prompt of sequences.greedy) {
    const out = await withSequence(async (sequence) => {
        const tokens = [];
        for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
            tokens.push(token);
            if (tokens.length === sequences.greedy_steps) break;
        }
        return tokens;
    });
    greedy.push({ prompt_ids: prompt, greedy_ids: out });
}

fs.mkdirSync(path.dirname(outPath), { recursive: true });
fs.writeFileSync(outPath, JSON.stringify({ engine: "llama.cpp via node-llama-cpp 3.21.1 (CPU, F32 GGUF)", logits: logprobs, greedy }) + "\n");
console.log(`wrote ${outPath}: ${logprobs.length} scored sequences, ${greedy.length} greedy continuations`);
await model.dispose();
