namespace Rebel.Models.Tokenization;

/// <summary>
/// A byte-level BPE vocabulary as <see cref="BpeTrainer"/> learns it: GPT-2's byte alphabet, merges in rank order,
/// special tokens and GPT-2's pre-tokenizer. <see cref="ToTokenizer"/> gives the runtime tokenizer (on
/// Microsoft.ML.Tokenizers); <see cref="Save"/> writes the Hugging Face files it loads back from.
/// </summary>
/// <param name="Vocabulary">Byte-level token string → id (the 256 byte tokens included).</param>
/// <param name="Merges">Merge rules, lowest rank first.</param>
/// <param name="SpecialTokens">Special tokens, content → id.</param>
/// <param name="EosToken">Content of the end-of-sequence token (a special token), or null.</param>
/// <param name="AddPrefixSpace">Hugging Face's <c>add_prefix_space</c>; GPT-2 uses false.</param>
public sealed record BpeVocabulary(
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<BpeMerge> Merges,
    IReadOnlyDictionary<string, int> SpecialTokens,
    string? EosToken,
    bool AddPrefixSpace = false)
{
    /// <summary>The tokenizer for this vocabulary; its <c>Save</c> writes this vocabulary's files.</summary>
    /// <exception cref="ArgumentException">The parts do not form a byte-level BPE; the message says which entry.</exception>
    public HuggingFaceTokenizer ToTokenizer()
    {
        int? eos = null;
        if (EosToken is not null)
        {
            if (!SpecialTokens.TryGetValue(EosToken, out int id))
                throw new ArgumentException($"end-of-sequence token \"{EosToken}\" is not a special token.", nameof(EosToken));
            eos = id;
        }
        foreach (var (content, id) in SpecialTokens)
        {
            if (Vocabulary.TryGetValue(content, out int vocabId) && vocabId != id)
                throw new ArgumentException($"special token \"{content}\" has id {id} but the vocabulary gives it id {vocabId}.", nameof(SpecialTokens));
        }
        var model = new ByteLevelBpeModel(
            Vocabulary.Where(e => !SpecialTokens.ContainsKey(e.Key)).ToDictionary(), Merges,
            new ByteLevelBpeModel.ByteLevelOptions(ByteLevelBpeModel.Gpt2Pattern, IsolateDigits: false, Nfc: false, AddPrefixSpace, IgnoreMerges: false));
        var added = SpecialTokens.OrderBy(s => s.Value).Select(s => new AddedToken(s.Key, s.Value, Special: true)).ToList();
        return new HuggingFaceTokenizer(model, added, [], [], bosId: null, eos, Save);
    }

    /// <summary>
    /// Writes <c>vocab.json</c>, <c>merges.txt</c>, <c>tokenizer.json</c>, <c>tokenizer_config.json</c> and
    /// <c>special_tokens_map.json</c> into <paramref name="directory"/> (created if needed), each atomically.
    /// Special tokens are listed in the vocabulary too, as in GPT-2's files.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        VocabMergesFormat.WriteVocab(Path.Combine(directory, TokenizerFiles.VocabJson), VocabularyWithSpecials());
        VocabMergesFormat.WriteMerges(Path.Combine(directory, TokenizerFiles.MergesTxt), Merges);
        HuggingFaceTokenizerJson.Write(this, Path.Combine(directory, TokenizerFiles.TokenizerJson));
        SpecialTokensMetadata.Write(this, directory);
    }

    internal IEnumerable<KeyValuePair<string, int>> VocabularyWithSpecials() =>
        Vocabulary.Concat(SpecialTokens.Where(s => !Vocabulary.ContainsKey(s.Key)));
}
