using System.Text.Json;

namespace Rebel.Models.Tests.Llama;

/// <summary>The fixtures written by tools/llama-reference/make_llama_fixtures.py: a model folder and expected.json per case.</summary>
internal sealed class LlamaFixture
{
    public static readonly string[] Cases = ["llama-gqa-llama3", "qwen2-tied-bf16", "qwen3-sharded", "mistral-f16"];

    public sealed record Pair(int[] PromptIds, int[] CompletionIds, double[] TokenLogProbs);

    public sealed record Greedy(int[] PromptIds, int[] GreedyIds);

    private LlamaFixture(string name)
    {
        Name = name;
        ModelDir = Path.Combine(Fixtures.Root, "llama", name, "model");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "llama", name, "expected.json")));
        var root = doc.RootElement;
        static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        EosTokenIds = Ints(root.GetProperty("eos_token_ids"));
        Pairs = root.GetProperty("pairs").EnumerateArray().Select(p => new Pair(Ints(p.GetProperty("prompt_ids")), Ints(p.GetProperty("completion_ids")),
            p.GetProperty("token_logprobs").EnumerateArray().Select(x => x.GetDouble()).ToArray())).ToList();
        Continuations = root.GetProperty("greedy").EnumerateArray().Select(g => new Greedy(Ints(g.GetProperty("prompt_ids")), Ints(g.GetProperty("greedy_ids")))).ToList();
        var logits = root.GetProperty("logits");
        LogitIds = Ints(logits.GetProperty("ids"));
        Logits = logits.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
    }

    public static LlamaFixture Load(string name) => new(name);

    public string Name { get; }

    public string ModelDir { get; }

    public int[] EosTokenIds { get; }

    public List<Pair> Pairs { get; }

    public List<Greedy> Continuations { get; }

    public int[] LogitIds { get; }

    public double[][] Logits { get; }
}
