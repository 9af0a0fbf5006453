using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Reads and writes byte-level BPE tokenizers in Hugging Face's layout, so GPT-2-family model directories load as
/// they are and ours load in <c>transformers</c>: <c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c>
/// (GPT-2's <c>encoder.json</c> + <c>vocab.bpe</c> under their original names are read too), with
/// <c>tokenizer_config.json</c> / <c>special_tokens_map.json</c> / <c>added_tokens.json</c> naming special tokens.
/// </summary>
public static class TokenizerFiles
{
    /// <summary>Hugging Face's single-file tokenizer.</summary>
    public const string TokenizerJson = "tokenizer.json";

    /// <summary>Vocabulary (token → id) of the two-file layout.</summary>
    public const string VocabJson = "vocab.json";

    /// <summary>Merges of the two-file layout.</summary>
    public const string MergesTxt = "merges.txt";

    /// <summary>
    /// Loads the tokenizer in <paramref name="directory"/>: <c>tokenizer.json</c> when present, else
    /// <c>vocab.json</c> + <c>merges.txt</c>, else <c>encoder.json</c> + <c>vocab.bpe</c>. Special tokens: added tokens
    /// of tokenizer.json, plus those the side files name; with none named, <c>&lt;|endoftext|&gt;</c> if in the
    /// vocabulary. The EOS token: <c>eos_token</c> of the side files, else <c>&lt;|endoftext|&gt;</c> if special.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds none of the three layouts.</exception>
    /// <exception cref="DataFormatException">A file is malformed; the message names it (and the line for merges).</exception>
    public static ByteLevelBpeTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: tokenizer directory not found");
        var meta = SpecialTokensMetadata.Read(directory);

        var json = Path.Combine(directory, TokenizerJson);
        if (File.Exists(json))
        {
            var contents = HuggingFaceTokenizerJson.Read(json);
            foreach (var (content, id) in contents.AddedTokens) meta.WithIds.TryAdd(content, id);
            return Build(json, contents.Vocab, contents.Merges, meta, contents.AddPrefixSpace);
        }
        foreach (var (vocabName, mergesName) in new[] { (VocabJson, MergesTxt), ("encoder.json", "vocab.bpe") })
        {
            var vocabPath = Path.Combine(directory, vocabName);
            var mergesPath = Path.Combine(directory, mergesName);
            if (File.Exists(vocabPath) && File.Exists(mergesPath))
            {
                var vocab = VocabMergesFormat.ReadVocab(vocabPath);
                var merges = VocabMergesFormat.ReadMerges(mergesPath, vocab);
                return Build(vocabPath, vocab, merges, meta, meta.AddPrefixSpace ?? false);
            }
        }
        throw new FileNotFoundException(
            $"{directory}: no tokenizer found (expected {TokenizerJson}, or {VocabJson} + {MergesTxt})", Path.Combine(directory, TokenizerJson));
    }

    /// <summary>Loads GPT-2's two files from explicit paths; <c>&lt;|endoftext|&gt;</c> (if present) is the special EOS token.</summary>
    public static ByteLevelBpeTokenizer LoadVocabAndMerges(string vocabPath, string mergesPath)
    {
        var vocab = VocabMergesFormat.ReadVocab(vocabPath);
        var merges = VocabMergesFormat.ReadMerges(mergesPath, vocab);
        return Build(vocabPath, vocab, merges, new SpecialTokensMetadata(), addPrefixSpace: false);
    }

    /// <summary>
    /// Writes <c>vocab.json</c>, <c>merges.txt</c>, <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and
    /// <c>special_tokens_map.json</c> into <paramref name="directory"/> (created if needed), each atomically.
    /// Special tokens are listed in the vocabulary too, as in GPT-2's files.
    /// </summary>
    public static void Save(ByteLevelBpeTokenizer tokenizer, string directory)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        VocabMergesFormat.WriteVocab(Path.Combine(directory, VocabJson), VocabWithSpecials(tokenizer));
        VocabMergesFormat.WriteMerges(Path.Combine(directory, MergesTxt), tokenizer.Merges);
        HuggingFaceTokenizerJson.Write(tokenizer, Path.Combine(directory, TokenizerJson));
        SpecialTokensMetadata.Write(tokenizer, directory);
    }

    internal static IEnumerable<KeyValuePair<string, int>> VocabWithSpecials(ByteLevelBpeTokenizer tokenizer) =>
        tokenizer.Vocabulary.Concat(tokenizer.SpecialTokens.Where(s => !tokenizer.Vocabulary.ContainsKey(s.Key)));

    private static ByteLevelBpeTokenizer Build(
        string path, Dictionary<string, int> vocab, List<BpeMerge> merges, SpecialTokensMetadata meta, bool addPrefixSpace)
    {
        var specials = meta.Resolve(vocab, path);
        try
        {
            return new ByteLevelBpeTokenizer(vocab, merges, specials, meta.ResolveEos(specials), addPrefixSpace);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, 0, e.Message.Split(" (Parameter")[0], e);
        }
    }
}
