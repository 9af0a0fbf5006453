// Writes the tokenizer parity fixtures: for each family, the expected ids, tokens and decodes that
// transformers.js's tokenizers (npm @lenml/tokenizers, a no-dependency fork) give for the texts in texts.json,
// and a gzip copy of the tokenizer files the tests load.
//
// usage: node make-fixtures.mjs NODE_MODULES OUT_DIR GPT2_DIR
//   NODE_MODULES  holds @lenml/tokenizers and @lenml/tokenizer-{llama3,llama3_1,qwen3,gemma3,llama2}
//   OUT_DIR       tests/Rebel.Models.Tests/fixtures/tokenizers
//   GPT2_DIR      GPT-2's encoder.json + vocab.bpe (tests/Rebel.Models.Tests/fixtures/gpt2)
//
// Per family, OUT_DIR/<family>/expected.jsonl has one object per text:
//   text, ids (encode(text): add_special_tokens and special-token text recognised),
//   ids_no_add (add_special_tokens: false), ids_plain (special tokens' text as plain characters,
//   add_special_tokens: false; emulated by a tokenizer whose special added tokens are removed),
//   tokens (the vocabulary strings of ids_no_add), decode (decode(ids_no_add), clean-up off),
//   decode_skip (decode(ids) skipping special tokens, clean-up off).
import fs from "fs";
import path from "path";
import zlib from "zlib";
import { createRequire } from "module";

const [modules, outDir, gpt2Dir] = process.argv.slice(2);
if (!modules || !outDir || !gpt2Dir) {
  console.error("usage: node make-fixtures.mjs NODE_MODULES OUT_DIR GPT2_DIR");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), "x.js"));
const { TokenizerLoader } = require("@lenml/tokenizers");
const here = path.dirname(new URL(import.meta.url).pathname);
const texts = JSON.parse(fs.readFileSync(path.join(here, "texts.json"), "utf-8"));

const readJson = (p) => JSON.parse(fs.readFileSync(p, "utf-8"));
const packageFiles = (pkg) => {
  const dir = path.join(path.resolve(modules), "@lenml", pkg, "models");
  return { json: readJson(path.join(dir, "tokenizer.json")), config: readJson(path.join(dir, "tokenizer_config.json")) };
};

// GPT-2's tokenizer.json as Hugging Face writes it, built from the two original files.
function gpt2Json(preTokenizer) {
  const vocab = readJson(path.join(gpt2Dir, "encoder.json"));
  const merges = fs.readFileSync(path.join(gpt2Dir, "vocab.bpe"), "utf-8").split("\n")
    .filter((l, i) => l.length > 0 && !(i === 0 && l.startsWith("#version")));
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0", truncation: null, padding: null,
    added_tokens: [{ id: 50256, content: "<|endoftext|>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null, pre_tokenizer: preTokenizer ?? byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false }, decoder: byteLevel,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "",
      fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
const gpt2Config = { bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<|endoftext|>",
  add_prefix_space: false, clean_up_tokenization_spaces: false, tokenizer_class: "GPT2Tokenizer" };

const families = {
  "gpt2": { json: gpt2Json(), config: gpt2Config },
  // SmolLM2's pre-tokenizer (digits one by one, then GPT-2's byte-level split) over GPT-2's vocabulary.
  "smollm2-style": {
    json: gpt2Json({ type: "Sequence", pretokenizers: [
      { type: "Digits", individual_digits: true },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }] }),
    config: gpt2Config,
  },
  "llama3": packageFiles("tokenizer-llama3"),
  "llama3_1": packageFiles("tokenizer-llama3_1"),
  "qwen3": packageFiles("tokenizer-qwen3"),
  "mistral": packageFiles("tokenizer-llama2"),   // the package holds Mistral-7B's tokenizer
  "gemma3": packageFiles("tokenizer-gemma3"),
};

for (const [family, { json, config }] of Object.entries(families)) {
  const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config });
  const plainJson = { ...json, added_tokens: json.added_tokens.filter((t) => !t.special) };
  const plainConfig = { ...config, additional_special_tokens: [] };
  const plain = TokenizerLoader.fromPreTrained({ tokenizerJSON: plainJson, tokenizerConfig: plainConfig });
  const decode = (ids, skip) => ids.length === 0 ? ""
    : tok.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
  const lines = texts.map((text) => {
    const ids = tok.encode(text);
    const idsNoAdd = tok.encode(text, { add_special_tokens: false });
    return JSON.stringify({
      text, ids, ids_no_add: idsNoAdd,
      ids_plain: plain.encode(text, { add_special_tokens: false }),
      tokens: tok.model.convert_ids_to_tokens(idsNoAdd),
      decode: decode(idsNoAdd, false),
      decode_skip: decode(ids, true),
    });
  });
  const dir = path.join(outDir, family);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "expected.jsonl"), lines.join("\n") + "\n", "utf-8");
  fs.writeFileSync(path.join(dir, "tokenizer.json.gz"), zlib.gzipSync(JSON.stringify(json), { level: 9 }));
  const { chat_template, ...configWithoutTemplate } = config;   // templates are the chat-template fixtures' business
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(configWithoutTemplate, null, 2) + "\n", "utf-8");
  console.log(`${family}: ${lines.length} texts`);
}
