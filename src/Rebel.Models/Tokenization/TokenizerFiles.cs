using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// Loads a tokenizer from a Hugging Face model directory as it comes from the hub: <c>tokenizer.json</c> (byte-level
/// BPE: GPT-2, Llama 3, Qwen, SmolLM2; SentencePiece-style BPE with byte fallback: Llama 2, Mistral, Gemma), or GPT-2's
/// <c>vocab.json</c> + <c>merges.txt</c> (also under the original names <c>encoder.json</c> + <c>vocab.bpe</c>), with
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

    /// <summary>SentencePiece's model file (BPE models: Llama 2, Mistral, Gemma), read when there is no tokenizer.json.</summary>
    public const string TokenizerModel = "tokenizer.model";

    private static readonly string[] CopiedOnSave =
        [TokenizerJson, VocabJson, MergesTxt, "encoder.json", "vocab.bpe", TokenizerModel,
         SpecialTokensMetadata.ConfigFile, SpecialTokensMetadata.MapFile, SpecialTokensMetadata.AddedTokensFile];

    /// <summary>True when <paramref name="directory"/> holds a tokenizer layout <see cref="Load"/> reads.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, TokenizerJson)) || File.Exists(Path.Combine(directory, TokenizerModel))
        || (File.Exists(Path.Combine(directory, VocabJson)) && File.Exists(Path.Combine(directory, MergesTxt)))
        || (File.Exists(Path.Combine(directory, "encoder.json")) && File.Exists(Path.Combine(directory, "vocab.bpe")));

    /// <summary>
    /// Loads the tokenizer in <paramref name="directory"/>: <c>tokenizer.json</c> when present, else
    /// <c>vocab.json</c> + <c>merges.txt</c>, else <c>encoder.json</c> + <c>vocab.bpe</c>, else SentencePiece's
    /// <c>tokenizer.model</c> (a BPE model, read as transformers converts it). Added tokens: those of
    /// tokenizer.json, plus the special tokens the side files name (with none named, <c>&lt;|endoftext|&gt;</c> if in the
    /// vocabulary). EOS/BOS: <c>eos_token</c>/<c>bos_token</c> of the side files, else <c>&lt;|endoftext|&gt;</c> for EOS.
    /// BOS/EOS added around a sequence: the post-processor's, unless <c>add_bos_token</c> / <c>add_eos_token</c> in
    /// tokenizer_config.json say otherwise. <c>Save</c> on the result copies these files.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds none of the layouts.</exception>
    /// <exception cref="DataFormatException">A file is malformed or uses a feature Rebel refuses; the message names the file and field.</exception>
    public static HuggingFaceTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: tokenizer directory not found");
        var meta = SpecialTokensMetadata.Read(directory);
        var files = CopiedOnSave.Where(f => File.Exists(Path.Combine(directory, f)))
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(directory, f)));
        void CopyFiles(string target)
        {
            foreach (var (name, bytes) in files) AtomicFile.WriteAllBytes(Path.Combine(target, name), bytes);
        }

        var json = Path.Combine(directory, TokenizerJson);
        if (File.Exists(json))
        {
            var contents = HuggingFaceTokenizerJson.Read(json);
            var added = contents.Added.ToDictionary(a => a.Content, StringComparer.Ordinal);
            var lookup = new Dictionary<string, int>(contents.Vocab, StringComparer.Ordinal);
            foreach (var a in contents.Added) lookup[a.Content] = a.Id;
            foreach (var content in meta.Named.Concat(meta.Additional))
            {
                if (added.TryGetValue(content, out var existing))
                {
                    if (!existing.Special && meta.Additional.Contains(content)) added[content] = existing with { Special = true };
                    continue;
                }
                if (!lookup.TryGetValue(content, out int id))
                    throw new DataFormatException(json, 0, $"special token \"{content}\" named by the side files is not in the vocabulary");
                added[content] = new AddedToken(content, id, Special: true);
            }
            int? Id(string? content) => content is not null && lookup.TryGetValue(content, out int id) ? id : null;
            var (prefix, suffix) = meta.SurroundingIds(contents.Prefix, contents.Suffix, Id, directory);
            return Build(json, () => new HuggingFaceTokenizer(contents.Model, [.. added.Values], [.. prefix], [.. suffix],
                Id(meta.BosToken), Id(meta.EosToken ?? (lookup.ContainsKey(SpecialTokensMetadata.EndOfText) ? SpecialTokensMetadata.EndOfText : null)),
                CopyFiles));
        }
        foreach (var (vocabName, mergesName) in new[] { (VocabJson, MergesTxt), ("encoder.json", "vocab.bpe") })
        {
            var vocabPath = Path.Combine(directory, vocabName);
            var mergesPath = Path.Combine(directory, mergesName);
            if (File.Exists(vocabPath) && File.Exists(mergesPath))
            {
                var vocab = VocabMergesFormat.ReadVocab(vocabPath);
                var merges = VocabMergesFormat.ReadMerges(mergesPath, vocab);
                var specials = meta.Resolve(vocab, vocabPath);
                var vocabulary = new BpeVocabulary(vocab, merges, specials, meta.ResolveEos(specials), meta.AddPrefixSpace ?? false);
                var (prefix, suffix) = meta.SurroundingIds([], [], t => specials.TryGetValue(t, out int id) || vocab.TryGetValue(t, out id) ? id : null, directory);
                return Build(vocabPath, () =>
                {
                    var t = vocabulary.ToTokenizer();
                    return new HuggingFaceTokenizer(t.Model, [.. t.AddedTokens.Values], [.. prefix], [.. suffix],
                        meta.BosToken is { } bos && specials.TryGetValue(bos, out int b) ? b : null, t.EosId, CopyFiles);
                });
            }
        }
        var sentencePiece = Path.Combine(directory, TokenizerModel);
        if (File.Exists(sentencePiece))
        {
            var contents = SentencePieceModelFile.Read(sentencePiece);
            var added = contents.Added.ToDictionary(a => a.Content, StringComparer.Ordinal);
            foreach (var content in meta.Named.Concat(meta.Additional))
                if (added.TryGetValue(content, out var existing) && !existing.Special) added[content] = existing with { Special = true };
                else if (!added.ContainsKey(content))
                    throw new DataFormatException(sentencePiece, 0, $"special token \"{content}\" named by the side files is not a control piece of the model");
            int? Id(string? content) => content is not null && added.TryGetValue(content, out var a) ? a.Id : null;
            int? bos = meta.BosToken is null ? contents.BosId : Id(meta.BosToken);
            int? eos = meta.EosToken is null ? contents.EosId : Id(meta.EosToken);
            // as transformers' Llama and Gemma tokenizers: BOS before a sequence unless add_bos_token says otherwise
            var (prefix, suffix) = meta.SurroundingIds(bos is { } b ? [b] : [], [], Id, directory, contents.BosId, contents.EosId);
            return Build(sentencePiece, () => new HuggingFaceTokenizer(contents.Model, [.. added.Values], [.. prefix], [.. suffix], bos, eos, CopyFiles));
        }
        throw new FileNotFoundException(
            $"{directory}: no tokenizer found (expected {TokenizerJson}, or {VocabJson} + {MergesTxt})", Path.Combine(directory, TokenizerJson));
    }

    /// <summary>Loads GPT-2's two files from explicit paths; <c>&lt;|endoftext|&gt;</c> (if present) is the special EOS token.</summary>
    public static HuggingFaceTokenizer LoadVocabAndMerges(string vocabPath, string mergesPath)
    {
        var vocab = VocabMergesFormat.ReadVocab(vocabPath);
        var merges = VocabMergesFormat.ReadMerges(mergesPath, vocab);
        var specials = new SpecialTokensMetadata().Resolve(vocab, vocabPath);
        var eos = specials.ContainsKey(SpecialTokensMetadata.EndOfText) ? SpecialTokensMetadata.EndOfText : null;
        return Build(vocabPath, () => new BpeVocabulary(vocab, merges, specials, eos).ToTokenizer());
    }

    private static HuggingFaceTokenizer Build(string path, Func<HuggingFaceTokenizer> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, 0, e.Message.Split(" (Parameter")[0], e);
        }
    }
}
