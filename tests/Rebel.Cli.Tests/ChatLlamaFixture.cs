using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Llama;
using Rebel.Models.Tokenization;

namespace Rebel.Cli.Tests;

/// <summary>
/// A tiny random Llama with a chat template of its own: a BPE tokenizer trained on <c>data/chat</c> whose special tokens
/// are <c>&lt;|endoftext|&gt;</c> (EOS), <c>&lt;|im_start|&gt;</c> and <c>&lt;|im_end|&gt;</c>, and a ChatML Jinja template in
/// its <c>tokenizer_config.json</c>, so replies end with <c>&lt;|im_end|&gt;</c>. Built once per test run, nothing downloaded.
/// </summary>
internal static class ChatLlamaFixture
{
    /// <summary>ChatML as Qwen and SmolLM2 write it (without their default system message).</summary>
    public const string ChatMlJinja =
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public const string TurnEnd = "<|im_end|>";

    private static readonly Lazy<string> Saved = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-chat-llama-" + Guid.NewGuid().ToString("N"));
        var texts = File.ReadLines(Data("sft.jsonl")).Select(l => string.Concat(JsonNode.Parse(l)!["messages"]!.AsArray().Select(m => (string)m!["content"]! + " ")));
        var tokenizer = BpeTrainer.Train(texts, new BpeTrainerOptions { VocabSize = 420, SpecialTokens = ["<|endoftext|>", "<|im_start|>", TurnEnd] });
        var config = LlamaConfig.Create(LlamaFamily.Llama, tokenizer.VocabSize, hiddenSize: 32, intermediateSize: 64, layers: 2, heads: 4, kvHeads: 2,
            maxPositions: 256, tieWordEmbeddings: true) with { BosTokenId = tokenizer.EosId, EosTokenIds = [tokenizer.EosId!.Value] };
        ModelFolder.Save(dir, new LlamaModel(config, seed: 11), tokenizer);
        // the template and its special tokens, as the hub's tokenizer_config.json has them
        var path = Path.Combine(dir, "tokenizer_config.json");
        var tokenizerConfig = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        tokenizerConfig["chat_template"] = ChatMlJinja;
        tokenizerConfig["additional_special_tokens"] = new JsonArray("<|im_start|>", TurnEnd);
        File.WriteAllText(path, tokenizerConfig.ToJsonString());
        return dir;
    });

    /// <summary>The model folder.</summary>
    public static string ChatModel => Saved.Value;

    /// <summary>A file or folder of the shipped conversational set, <c>data/chat</c>.</summary>
    public static string Data(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return Path.Combine(dir.FullName, "data", "chat", name);
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }
}
