using Rebel.Models.Tokenization;

namespace Rebel.Models.Chat;

/// <summary>
/// Turns a rendered conversation's segments into ids. Special tokens are recognised in template text only
/// (leftmost, longest first); all other text — template text between special tokens and every content
/// segment — is joined into runs and each run is encoded with special tokens off. Hugging Face splits text at
/// special tokens and encodes each piece alone in the same way, so the ids equal its
/// <c>apply_chat_template(tokenize=True)</c> whenever the content holds no special-token text.
/// </summary>
internal static class ChatSegmentEncoder
{
    public static int[] Encode(ITokenizer tokenizer, IReadOnlyList<ChatSegment> segments)
    {
        var matcher = new SpecialTokenMatcher(tokenizer.SpecialTokens.Keys);
        var ids = new List<int>();
        var run = new System.Text.StringBuilder();

        void Flush()
        {
            if (run.Length == 0) return;
            ids.AddRange(tokenizer.Encode(run.ToString(), allowSpecialTokens: false));
            run.Clear();
        }

        foreach (var segment in segments)
        {
            if (segment.IsContent)
            {
                run.Append(segment.Text);
                continue;
            }
            var text = segment.Text.AsSpan();
            while (matcher.TryFindNext(text, out int index, out var special))
            {
                run.Append(text[..index]);
                Flush();
                ids.Add(tokenizer.SpecialTokens[special]);
                text = text[(index + special.Length)..];
            }
            run.Append(text);
        }
        Flush();
        return ids.ToArray();
    }
}
