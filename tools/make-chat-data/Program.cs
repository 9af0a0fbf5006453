// Writes the small conversational data set in data/chat/, seeded, as both JSON Lines and Parquet:
//
//   dotnet run --project tools/make-chat-data -- data/chat
//
// It is the default task's job (describe the things a prompt names, briefly) asked as a conversation: a system
// message, a user turn, and for a third of the prompts an earlier exchange before it. Preferences compare two replies
// by a fixed rule (the reply that names more of the asked things wins; fewer words break a tie) so the labels can be
// checked. Parquet files use the layout Hugging Face's hub ships: string columns, and message columns as a list of
// structs {content, role}, one split in two shards.
using System.Text;
using System.Text.Json;
using Parquet.Schema;
using Parquet.Serialization;
using Rebel.Tensors;

string outDir = args.Length > 0 ? args[0] : Path.Combine("data", "chat");
Directory.CreateDirectory(Path.Combine(outDir, "hub"));
var rng = new Rng(13);   // Rebel's one generator (xoshiro256**): the data do not depend on the .NET runtime's

string[] things = ["apple", "river", "lamp", "stone", "bridge", "horse", "garden", "kettle", "violin", "anchor",
    "cabin", "feather", "harbor", "ladder", "meadow", "mirror", "orchard", "pencil", "rabbit", "wagon"];
string[] adjectives = ["red", "old", "small", "bright", "warm", "cold", "soft", "dark"];
string[] fillers = ["very", "really", "just", "quite", "some"];
string[] systems = ["You describe things briefly.", "You are a concise assistant.", "Answer with a short list."];
string[] asks = ["Write about {0}.", "Please describe {0}.", "Tell me about {0}."];

List<Message> Prompt()
{
    var messages = new List<Message> { new("system", Pick(systems)) };
    if (rng.NextInt(3) == 0)
    {
        var earlier = Sample(2);
        messages.Add(new("user", string.Format(Pick(asks), Join(earlier))));
        messages.Add(new("assistant", Reply(earlier, skip: 0, adjectiveRate: 0.3, padding: 0)));
    }
    messages.Add(new("user", string.Format(Pick(asks), Join(Sample(2 + rng.NextInt(3))))));
    return messages;
}

var preferences = new List<(List<Message> Prompt, string Chosen, string Rejected)>();
while (preferences.Count < 160)
{
    var prompt = Prompt();
    var asked = AskedThings(prompt[^1].Content);
    string a = Reply(asked, skip: rng.NextInt(2), adjectiveRate: 0.3, padding: rng.NextInt(3));
    string b = Reply(asked, skip: rng.NextInt(3), adjectiveRate: 0.3, padding: rng.NextInt(3));
    int byCoverage = Covered(a, asked).CompareTo(Covered(b, asked));
    int byBrevity = Words(b).CompareTo(Words(a));
    int verdict = byCoverage != 0 ? byCoverage : byBrevity;
    if (verdict == 0) continue; // ties are left out
    preferences.Add(verdict > 0 ? (prompt, a, b) : (prompt, b, a));
}
var prompts = Enumerable.Range(0, 120).Select(_ => Prompt()).ToList();
var sft = Enumerable.Range(0, 120).Select(_ =>
{
    var prompt = Prompt();
    return (List<Message>)[.. prompt, new("assistant", Reply(AskedThings(prompt[^1].Content), skip: 0, adjectiveRate: 0.3, padding: 0))];
}).ToList();

// JSON Lines: conversational prompt/chosen/rejected, the same rows with implicit prompts, prompts, SFT messages.
WriteJsonLines("preferences.jsonl", preferences.Select(p => new Dictionary<string, object>
    { ["prompt"] = p.Prompt, ["chosen"] = new[] { new Message("assistant", p.Chosen) }, ["rejected"] = new[] { new Message("assistant", p.Rejected) } }));
WriteJsonLines("preferences-implicit.jsonl", preferences.Select(p => new Dictionary<string, object>
    { ["chosen"] = (List<Message>)[.. p.Prompt, new("assistant", p.Chosen)], ["rejected"] = (List<Message>)[.. p.Prompt, new("assistant", p.Rejected)] }));
WriteJsonLines("prompts.jsonl", prompts.Select(p => new Dictionary<string, object> { ["prompt"] = p }));
WriteJsonLines("sft.jsonl", sft.Select(m => new Dictionary<string, object> { ["messages"] = m }));

// Parquet, as the hub ships it: the preferences split in two shards, prompts and SFT as one file each.
var messageList = (string name) => new ListField(name, new StructField("element", new DataField<string>("content"), new DataField<string>("role")));
var preferenceSchema = new ParquetSchema(messageList("prompt"), messageList("chosen"), messageList("rejected"));
int half = preferences.Count / 2;
for (int shard = 0; shard < 2; shard++)
    await WriteParquet(Path.Combine("hub", $"train-{shard:D5}-of-00002.parquet"), preferenceSchema,
        preferences.Skip(shard * half).Take(shard == 0 ? half : preferences.Count - half).Select(p => Row(
            ("prompt", Structs(p.Prompt)), ("chosen", Structs([new("assistant", p.Chosen)])), ("rejected", Structs([new("assistant", p.Rejected)])))));
await WriteParquet("prompts.parquet", new ParquetSchema(messageList("prompt")), prompts.Select(p => Row(("prompt", Structs(p)))));
await WriteParquet("sft.parquet", new ParquetSchema(messageList("messages")), sft.Select(m => Row(("messages", Structs(m)))));
Console.WriteLine($"wrote {preferences.Count} preferences, {prompts.Count} prompts, {sft.Count} SFT conversations to {outDir}");

T Pick<T>(T[] items) => items[rng.NextInt(items.Length)];
List<string> Sample(int count) => [.. Shuffled(things).Take(count)];
string[] Shuffled(IEnumerable<string> items)
{
    var copy = items.ToArray();
    rng.Shuffle<string>(copy);
    return copy;
}
static string Join(List<string> items) => items.Count == 1 ? items[0] : string.Join(", ", items[..^1]) + " and " + items[^1];
List<string> AskedThings(string ask) => [.. things.Where(t => ask.Contains(t, StringComparison.Ordinal))];
static int Covered(string reply, List<string> asked) => asked.Count(t => reply.Contains(t, StringComparison.Ordinal));
static int Words(string reply) => reply.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

// A reply names the asked things (dropping `skip` of them), each with an adjective at `adjectiveRate`, plus `padding` fillers.
string Reply(List<string> asked, int skip, double adjectiveRate, int padding)
{
    var kept = Shuffled(asked).Take(Math.Max(1, asked.Count - skip)).ToList();
    var words = kept.Select(t => rng.NextDouble() < adjectiveRate ? $"{Pick(adjectives)} {t}" : t).ToList();
    for (int i = 0; i < padding; i++)
    {
        int at = rng.NextInt(words.Count);
        words[at] = $"{Pick(fillers)} {words[at]}";
    }
    return char.ToUpperInvariant(words[0][0]) + string.Join(", ", words)[1..] + ".";
}

void WriteJsonLines(string name, IEnumerable<Dictionary<string, object>> rows)
{
    var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    var text = new StringBuilder();
    foreach (var row in rows) text.Append(JsonSerializer.Serialize(row, options)).Append('\n');
    File.WriteAllText(Path.Combine(outDir, name), text.ToString(), new UTF8Encoding(false));
}

async Task WriteParquet(string name, ParquetSchema schema, IEnumerable<IDictionary<string, object?>> rows)
{
    await using var stream = File.Create(Path.Combine(outDir, name));
    await ParquetSerializer.SerializeUntypedAsync(rows.ToList(), schema, stream);
}

static IDictionary<string, object?> Row(params (string Column, object Value)[] cells) => cells.ToDictionary(c => c.Column, c => (object?)c.Value);
static List<Dictionary<string, object>> Structs(List<Message> messages) =>
    [.. messages.Select(m => new Dictionary<string, object> { ["content"] = m.Content, ["role"] = m.Role })];

/// <summary>One chat message, serialized as {"role", "content"}.</summary>
internal sealed record Message(string Role, string Content);
