using System.IO.Compression;
using System.Text.Json;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// One tokenizer family of fixtures/tokenizers (written by tools/tokenizer-oracle): its Hugging Face files, unpacked
/// from the committed gzip copy into a temporary folder, and what transformers.js gave for each text.
/// </summary>
internal static class TokenizerFamilyFixture
{
    public static readonly string[] Families = ["gpt2", "smollm2-style", "llama3", "llama3_1", "qwen3", "mistral", "gemma3"];

    /// <summary>One oracle line; field names as in expected.jsonl.</summary>
    public sealed record Expected(
        string Text, int[] Ids, int[] IdsNoAdd, int[] IdsPlain, string[] Tokens, string Decode, string DecodeSkip);

    private static readonly Dictionary<string, Lazy<HuggingFaceTokenizer>> Loaded =
        Families.ToDictionary(f => f, f => new Lazy<HuggingFaceTokenizer>(() => TokenizerFiles.Load(Unpack(f))));

    private static string Source(string family) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tokenizers", family);

    public static HuggingFaceTokenizer Tokenizer(string family) => Loaded[family].Value;

    /// <summary>Writes tokenizer.json and tokenizer_config.json of <paramref name="family"/> into a temporary folder.</summary>
    public static string Unpack(string family)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-tok-family-" + family + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(Source(family), "tokenizer.json.gz")), CompressionMode.Decompress))
        using (var output = File.Create(Path.Combine(dir, "tokenizer.json")))
            gz.CopyTo(output);
        File.Copy(Path.Combine(Source(family), "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
        return dir;
    }

    public static IReadOnlyList<Expected> Lines(string family) =>
        File.ReadLines(Path.Combine(Source(family), "expected.jsonl")).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            int[] Ints(string name) => r.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            return new Expected(r.GetProperty("text").GetString()!, Ints("ids"), Ints("ids_no_add"), Ints("ids_plain"),
                r.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                r.GetProperty("decode").GetString()!, r.GetProperty("decode_skip").GetString()!);
        }).ToList();
}
