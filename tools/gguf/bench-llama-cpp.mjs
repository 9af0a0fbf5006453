// The llama.cpp side of bench/llama-cpp.sh: sampling tokens/s of a GGUF model through llama.cpp (node-llama-cpp
// 3.21.1, prebuilt CPU binaries) at batch 1, for Rebel's `Rebel.Benchmarks generate --model` on the same weights.
// Prints one JSON line per thread count with the median over REPS timed generations (after one warm-up).
//
//   node tools/gguf/bench-llama-cpp.mjs MODEL.gguf THREADS[,THREADS...] [NEW_TOKENS=128] [PROMPT_TOKENS=16] [REPS=5]
//
// Each generation feeds PROMPT_TOKENS random ids (fixed seed) and samples NEW_TOKENS tokens at temperature 1 with no
// truncation (top-k 0, top-p 1, min-p 0), not stopping at end-of-sequence, in a fresh context: the same work as Rebel's
// benchmark (prefill included). Weights F32 as exported; llama.cpp's default KV cache and attention settings.
import { getLlama } from "node-llama-cpp";

const [modelPath, threadList, newArg, promptArg, repsArg] = process.argv.slice(2);
if (!threadList) {
    console.error("usage: node bench-llama-cpp.mjs MODEL.gguf THREADS[,THREADS...] [NEW_TOKENS] [PROMPT_TOKENS] [REPS]");
    process.exit(2);
}
const newTokens = Number(newArg ?? 128), promptTokens = Number(promptArg ?? 16), reps = Number(repsArg ?? 5);
const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const vocabulary = model.tokens.vocabularySize ?? model.fileInsights.tokens?.length;
let state = 12345;                                                   // a small LCG: the same prompt on every run
const prompt = Array.from({ length: promptTokens }, () => 3 + ((state = (state * 1103515245 + 12345) % 2147483648) % (vocabulary - 3)));
const sampling = { temperature: 1, topK: 0, topP: 1, minP: 0 };

async function generateOnce(threads, seed) {
    const context = await model.createContext({ contextSize: 256, batchSize: 64, sequences: 1, threads });
    try {
        const sequence = context.getSequence();
        const start = performance.now();
        let count = 0;
        for await (const _ of sequence.evaluate(prompt, { ...sampling, seed })) {
            if (++count === newTokens) break;
        }
        return performance.now() - start;
    } finally {
        await context.dispose();
    }
}

for (const threads of threadList.split(",").map(Number)) {
    await generateOnce(threads, 0);                                  // warm-up
    const times = [];
    for (let r = 0; r < reps; r++) times.push(await generateOnce(threads, 100 + r));
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    console.log(JSON.stringify({ impl: "llama.cpp", threads, tokens_per_s: Number((newTokens / (ms / 1000)).toFixed(1)), median_ms: Number(ms.toFixed(1)),
        batch: 1, prompt_tokens: promptTokens, new_tokens: newTokens, reps }));
}
