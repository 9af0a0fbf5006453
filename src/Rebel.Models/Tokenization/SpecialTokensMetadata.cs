using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Which tokens are special and which one ends a sequence, from the Hugging Face side files of a tokenizer
/// directory: <c>added_tokens.json</c> (content → id), <c>tokenizer_config.json</c> (<c>added_tokens_decoder</c>,
/// <c>eos_token</c>, <c>add_prefix_space</c>) and <c>special_tokens_map.json</c> (<c>eos_token</c>, <c>bos_token</c>,
/// <c>unk_token</c>, <c>pad_token</c>, <c>additional_special_tokens</c>; strings or <c>{"content": ...}</c> objects).
/// </summary>
internal sealed class SpecialTokensMetadata
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string MapFile = "special_tokens_map.json";
    public const string AddedTokensFile = "added_tokens.json";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Special tokens with their ids, as far as the files give ids.</summary>
    public Dictionary<string, int> WithIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Contents named special without an id (their id comes from the vocabulary).</summary>
    public HashSet<string> Named { get; } = new(StringComparer.Ordinal);

    public string? EosToken { get; private set; }

    public string? BosToken { get; private set; }

    /// <summary>Contents the files list as additional special tokens.</summary>
    public HashSet<string> Additional { get; } = new(StringComparer.Ordinal);

    public bool? AddPrefixSpace { get; private set; }

    /// <summary><c>add_bos_token</c> of tokenizer_config.json: whether BOS opens an encoded sequence (null: not given).</summary>
    public bool? AddBosToken { get; private set; }

    /// <summary><c>add_eos_token</c> of tokenizer_config.json: whether EOS closes an encoded sequence (null: not given).</summary>
    public bool? AddEosToken { get; private set; }

    /// <summary>
    /// The ids added around one sequence: the post-processor's <paramref name="prefix"/> and <paramref name="suffix"/>,
    /// each replaced when tokenizer_config.json sets <c>add_bos_token</c> / <c>add_eos_token</c> (as transformers' Llama and
    /// Gemma tokenizers rebuild their post-processor from them): [BOS] or nothing before, [EOS] or nothing after.
    /// A flag whose token the files do not name takes <paramref name="unnamedBosId"/> / <paramref name="unnamedEosId"/>
    /// (a tokenizer.model's own BOS and EOS, as transformers' Llama tokenizer defaults to them).
    /// </summary>
    /// <exception cref="DataFormatException">A flag is true but its token is not named (and has no default) or not in the vocabulary.</exception>
    public (IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix) SurroundingIds(IReadOnlyList<int> prefix, IReadOnlyList<int> suffix, Func<string, int?> idOf, string directory,
        int? unnamedBosId = null, int? unnamedEosId = null)
    {
        IReadOnlyList<int> Side(bool? add, string key, string? token, IReadOnlyList<int> fallback, int? unnamedId)
        {
            if (add is not { } on) return fallback;
            if (!on) return [];
            if (token is null && unnamedId is { } unnamed) return [unnamed];
            if (token is null || idOf(token) is not { } id)
                throw new DataFormatException(Path.Combine(directory, ConfigFile), 0, $"{key} is true, but {(token is null ? $"no {key[4..]} is named" : $"\"{token}\" is not in the vocabulary")}");
            return [id];
        }
        return (Side(AddBosToken, "add_bos_token", BosToken, prefix, unnamedBosId), Side(AddEosToken, "add_eos_token", EosToken, suffix, unnamedEosId));
    }

    /// <summary>Reads whichever of the three files exist in <paramref name="directory"/>.</summary>
    public static SpecialTokensMetadata Read(string directory)
    {
        var meta = new SpecialTokensMetadata();
        var added = Path.Combine(directory, AddedTokensFile);
        if (File.Exists(added))
        {
            using var doc = VocabMergesFormat.ParseJson(added);
            foreach (var (content, id) in VocabMergesFormat.ReadVocabObject(doc.RootElement, added, "the file"))
                meta.WithIds[content] = id;
        }
        var config = Path.Combine(directory, ConfigFile);
        if (File.Exists(config))
        {
            using var doc = VocabMergesFormat.ParseJson(config);
            meta.ReadConfig(doc.RootElement, config);
        }
        var map = Path.Combine(directory, MapFile);
        if (File.Exists(map))
        {
            using var doc = VocabMergesFormat.ParseJson(map);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(map, 0, $"expected a JSON object, found {doc.RootElement.ValueKind}");
            meta.ReadNamedTokens(doc.RootElement, map);
        }
        return meta;
    }

    /// <summary>
    /// The special tokens with ids: those with ids, plus named ones (and the EOS token) looked up in
    /// <paramref name="vocab"/>; with none at all, <c>&lt;|endoftext|&gt;</c> when the vocabulary has it (GPT-2's files).
    /// </summary>
    public Dictionary<string, int> Resolve(IReadOnlyDictionary<string, int> vocab, string path)
    {
        var specials = new Dictionary<string, int>(WithIds, StringComparer.Ordinal);
        foreach (var content in Named.Append(EosToken))
        {
            if (content is null || specials.ContainsKey(content)) continue;
            if (!vocab.TryGetValue(content, out int id))
                throw new DataFormatException(path, 0, $"special token \"{content}\" is neither in the vocabulary nor given an id");
            specials[content] = id;
        }
        if (specials.Count == 0 && vocab.TryGetValue(EndOfText, out int eot)) specials[EndOfText] = eot;
        return specials;
    }

    /// <summary>The EOS token: the one the files name, else <c>&lt;|endoftext|&gt;</c> when it is special.</summary>
    public string? ResolveEos(IReadOnlyDictionary<string, int> specials) =>
        EosToken ?? (specials.ContainsKey(EndOfText) ? EndOfText : null);

    private void ReadConfig(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(path, 0, $"expected a JSON object, found {root.ValueKind}");
        if (root.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind is JsonValueKind.True or JsonValueKind.False)
            AddPrefixSpace = prefix.GetBoolean();
        AddBosToken = Flag(root, "add_bos_token", path);
        AddEosToken = Flag(root, "add_eos_token", path);
        if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in decoder.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, out int id) || id < 0 || ContentOf(entry.Value) is not { } content)
                    throw new DataFormatException(path, 0, $"added_tokens_decoder entry \"{entry.Name}\" needs an integer id and a content");
                WithIds[content] = id;
            }
        }
        ReadNamedTokens(root, path);
    }

    private static bool? Flag(JsonElement root, string key, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new DataFormatException(path, 0, $"\"{key}\" must be true or false, found {value.ValueKind}");
    }

    private void ReadNamedTokens(JsonElement root, string path)
    {
        foreach (var key in new[] { "eos_token", "bos_token", "unk_token", "pad_token" })
        {
            if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) continue;
            var content = ContentOf(value) ?? throw new DataFormatException(path, 0, $"\"{key}\" must be a string or an object with \"content\"");
            Named.Add(content);
            if (key == "eos_token") EosToken = content;
            if (key == "bos_token") BosToken = content;
        }
        if (root.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in extra.EnumerateArray())
                {
                var content = ContentOf(item) ?? throw new DataFormatException(path, 0, "additional_special_tokens holds a value that is not a token");
                Named.Add(content);
                Additional.Add(content);
            }
        }
    }

    private static string? ContentOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    /// <summary>Writes tokenizer_config.json and special_tokens_map.json as Hugging Face's GPT-2 files have them.</summary>
    public static void Write(BpeVocabulary tokenizer, string directory)
    {
        var eos = tokenizer.EosToken;
        var others = tokenizer.SpecialTokens.Where(s => s.Key != eos).OrderBy(s => s.Value).Select(s => s.Key).ToList();

        WriteJson(Path.Combine(directory, ConfigFile), w =>
        {
            w.WriteBoolean("add_prefix_space", tokenizer.AddPrefixSpace);
            w.WriteStartObject("added_tokens_decoder");
            foreach (var (content, id) in tokenizer.SpecialTokens.OrderBy(s => s.Value))
            {
                w.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("content", content);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            WriteNamed(w, eos, others);
            w.WriteBoolean("clean_up_tokenization_spaces", false);
            w.WriteString("errors", "replace");
            w.WriteString("tokenizer_class", "GPT2Tokenizer");
        });
        WriteJson(Path.Combine(directory, MapFile), w => WriteNamed(w, eos, others));
    }

    private static void WriteNamed(Utf8JsonWriter w, string? eos, List<string> others)
    {
        if (eos is not null)
        {
            w.WriteString("bos_token", eos);   // GPT-2 uses <|endoftext|> for all three
            w.WriteString("eos_token", eos);
            w.WriteString("unk_token", eos);
        }
        if (others.Count == 0) return;
        w.WriteStartArray("additional_special_tokens");
        foreach (var s in others) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, VocabMergesFormat.WriterOptions with { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        AtomicFile.WriteAllBytes(path, stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }
}
