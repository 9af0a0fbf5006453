using System.Globalization;
using Rebel.Judges.Caching;
using Rebel.Judges.Composite;
using Rebel.Judges.Llm;
using Rebel.Judges.Models;
using Rebel.Judges.Onnx;
using Rebel.Judges.Process;
using Rebel.Judges.Rules;
using Rebel.Models.Chat;

namespace Rebel.Judges.Spec;

/// <summary>
/// Builds a judge from a spec string, as used in configs and on the command line.
/// </summary>
/// <remarks>
/// Grammar (white space around parts is ignored):
/// <code>
/// spec := rule | rule "(" N ")"                     rule ∈ length, keywords, diversity, format, brevity; length(N): target N words
///       | "keywords(" WORD ("|" WORD)* ")"          coverage of a fixed word list instead of the prompt's keywords
///       | "vote(" member ("," member)* ")"          majority vote
///       | "mean(" member ("," member)* ")"          weighted mean
///       | "symmetrize(" spec ")"                    ½ (P(a ≻ b) + 1 − P(b ≻ a))
///       | "cache(" FILE "," spec ")"                SQLite cache; spec = everything after the first top-level comma
///       | "openai" [options] ":" MODEL ["@" BASE_URL]  OpenAI-compatible server (key from OPENAI_API_KEY)
///       | "process" [options] ":" COMMAND           a child process speaking JSON lines
///       | "model:" DIR                              a trained preference model (config.json + model.safetensors)
///       | "onnx:" DIR                               an exported reward or pairwise model (model.onnx + judge.json)
/// member := [WEIGHT "*"] spec
/// options := "[" NAME ["=" VALUE] ("," NAME ["=" VALUE])* "]"
///            process: timeout=SECONDS (default 300);
///            openai: key_env=NAME, allow_http_key, timeout=SECONDS (per attempt, default 60), max_response_bytes=N
/// </code>
/// Commas and parentheses nest: <c>vote(length,symmetrize(cache(c.db,keywords)))</c>. Inside <c>vote</c>/<c>mean</c> a
/// member is delimited by top-level commas, so a process command there must not contain a comma outside
/// parentheses; as the last argument of <c>cache</c> any command works. Every judge's <see cref="IPairwiseJudge.Id"/>
/// for these forms is itself a spec, except <c>model:DIR</c>, whose id names the model by the content hash of its files
/// (<see cref="PreferenceModelJudge.Load"/>), and <c>openai:</c>, whose id adds the template's hash.
/// </remarks>
public static class JudgeSpec
{
    /// <summary>The valid forms, as listed in error messages.</summary>
    public const string ValidForms = """
        Valid judge specs:
          length | length(N)        prefer the completion closer to N words (default 20)
          keywords                  prefer higher coverage of the prompt's keywords
          keywords(W1|W2|...)       prefer higher coverage of a fixed word list
          brevity                   prefer fewer words
          diversity                 prefer a larger share of distinct words
          format                    prefer more passed format checks
          vote(SPEC,SPEC,...)       majority vote (a member may be weighted: 2*length)
          mean(SPEC,SPEC,...)       weighted mean of probabilities
          symmetrize(SPEC)          average both orders: ½(P(a≻b) + 1 − P(b≻a))
          cache(FILE,SPEC)          SQLite cache of SPEC's verdicts in FILE
          openai:MODEL@BASE_URL     LLM judge on an OpenAI-compatible server (key from OPENAI_API_KEY)
          openai[key_env=NAME,allow_http_key,timeout=S,max_response_bytes=N]:MODEL@BASE_URL
          process:COMMAND           a child process speaking JSON lines (see docs/judges.md)
          process[timeout=S]:COMMAND   the same, answering each batch within S seconds (default 300)
          model:DIR                 a trained preference model (rebel preference train --out DIR)
          onnx:DIR                  a reward or pairwise model exported to ONNX (model.onnx + judge.json)
        """;

    /// <summary>Parses <paramref name="spec"/> into a judge (which the caller owns and disposes).</summary>
    /// <exception cref="JudgeSpecException">The spec is malformed; the message lists the valid forms.</exception>
    public static IPairwiseJudge Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ParseCore(spec.Trim());
    }

    private static IPairwiseJudge ParseCore(string spec)
    {
        if (spec.Length == 0) throw new JudgeSpecException(spec, "it is empty");
        if (Scheme(spec, "openai") is { } openai) return OpenAI(spec, openai.Text, openai.Options);
        if (Scheme(spec, "process") is { } process)
        {
            var command = process.Text;
            if (command.Length == 0) throw new JudgeSpecException(spec, "the command after \"process:\" is empty");
            var options = new SchemeOptions(spec, process.Options, ["timeout"]);
            return new ProcessJudge(command, options.Seconds("timeout"));
        }
        if (spec.StartsWith("model:", StringComparison.Ordinal)) return Model(spec, spec["model:".Length..].Trim());
        if (spec.StartsWith("onnx:", StringComparison.Ordinal)) return Onnx(spec, spec["onnx:".Length..].Trim());

        int open = spec.IndexOf('(');
        string name = (open < 0 ? spec : spec[..open]).Trim();
        IReadOnlyList<string> args = [];
        if (open >= 0)
        {
            if (spec[^1] != ')' || Close(spec, open) != spec.Length - 1)
                throw new JudgeSpecException(spec, "its parentheses do not match, or text follows the closing one");
            args = SplitTopLevel(spec, spec[(open + 1)..^1], int.MaxValue);
            if (args.Count == 0 && name is not ("vote" or "mean"))             // vote() and mean() say what they need below
                throw new JudgeSpecException(spec, $"the parentheses are empty: write {name} without them, or put arguments inside");
        }

        switch (name)
        {
            case "length":
                if (args.Count == 0) return new LengthJudge();
                if (args.Count == 1 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int target) && target >= 1)
                    return new LengthJudge(target);
                throw new JudgeSpecException(spec, "length takes one positive whole number of words, e.g. length(30)");
            case "keywords":
                if (args.Count == 0) return new KeywordCoverageJudge();
                if (args.Count == 1 && args[0].Split('|').Select(w => w.Trim()) is var list && list.All(w => w.Length > 0))
                    return new KeywordCoverageJudge(list);
                throw new JudgeSpecException(spec, "keywords takes no argument or a list of non-empty words joined by |, e.g. keywords(red|blue)");
            case "brevity": NoArguments(spec, args); return new BrevityJudge();
            case "diversity": NoArguments(spec, args); return new DiversityJudge();
            case "format": NoArguments(spec, args); return new FormatJudge();
            case "vote": return Vote(spec, args, VoteRule.Majority);
            case "mean": return Vote(spec, args, VoteRule.Mean);
            case "symmetrize":
                if (args.Count != 1) throw new JudgeSpecException(spec, "symmetrize takes exactly one spec");
                return new SymmetrizedJudge(ParseCore(args[0]));
            case "cache":
                var parts = SplitTopLevel(spec, spec[(open + 1)..^1], 2);
                if (parts.Count != 2 || parts[0].Length == 0)
                    throw new JudgeSpecException(spec, "cache takes a file and a spec, e.g. cache(verdicts.db,keywords)");
                CheckCacheFolder(spec, parts[0]);
                var inner = ParseCore(parts[1]);
                try
                {
                    return new CachingJudge(inner, parts[0]);
                }
                catch
                {
                    inner.Dispose();
                    throw;
                }
            default:
                throw new JudgeSpecException(spec, $"\"{name}\" is not a judge name");
        }
    }

    /// <summary>A cache file goes into an existing folder: a typo in the path must not silently create a new tree.</summary>
    private static void CheckCacheFolder(string spec, string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            throw new JudgeSpecException(spec, $"the cache file's folder {folder} does not exist (create it first)");
        if (Directory.Exists(file)) throw new JudgeSpecException(spec, $"the cache file {Path.GetFullPath(file)} is a folder");
    }

    /// <summary>
    /// Splits <c>NAME:REST</c> or <c>NAME[OPTIONS]:REST</c>; null when <paramref name="spec"/> is not of scheme <paramref name="name"/>.
    /// </summary>
    private static (string? Options, string Text)? Scheme(string spec, string name)
    {
        if (!spec.StartsWith(name, StringComparison.Ordinal) || spec.Length == name.Length) return null;
        char next = spec[name.Length];
        if (next == ':') return (null, spec[(name.Length + 1)..].Trim());
        if (next != '[') return null;
        int close = spec.IndexOf(']', name.Length);
        if (close < 0 || close + 1 >= spec.Length || spec[close + 1] != ':')
            throw new JudgeSpecException(spec, $"options are written {name}[NAME=VALUE,...]:..., the \"]:\" is missing");
        return (spec[(name.Length + 1)..close], spec[(close + 2)..].Trim());
    }

    private static void NoArguments(string spec, IReadOnlyList<string> args)
    {
        if (args.Count != 0) throw new JudgeSpecException(spec, "this judge takes no arguments");
    }

    private static VoteJudge Vote(string spec, IReadOnlyList<string> args, VoteRule rule)
    {
        if (args.Count == 0 || args.Any(a => a.Length == 0))
            throw new JudgeSpecException(spec, "a vote needs one or more non-empty member specs, e.g. vote(length,keywords,diversity)");
        var members = new List<(IPairwiseJudge, double)>();
        try
        {
            foreach (var arg in args)
            {
                double weight = 1.0;
                var member = arg;
                int star = arg.IndexOf('*');
                if (star > 0 && double.TryParse(arg[..star], NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
                {
                    if (!(w > 0 && double.IsFinite(w))) throw new JudgeSpecException(arg, "a member's weight must be positive");
                    weight = w;
                    member = arg[(star + 1)..].Trim();
                }
                members.Add((ParseCore(member), weight));
            }
            return new VoteJudge(members, rule);
        }
        catch
        {
            foreach (var (judge, _) in members) judge.Dispose();
            throw;
        }
    }

    private static PreferenceModelJudge Model(string spec, string directory)
    {
        if (directory.Length == 0) throw new JudgeSpecException(spec, "the directory after \"model:\" is empty");
        try
        {
            return PreferenceModelJudge.Load(directory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new JudgeSpecException(spec, $"the preference model could not be loaded: {e.Message}");
        }
    }

    private static OnnxJudge Onnx(string spec, string directory)
    {
        if (directory.Length == 0) throw new JudgeSpecException(spec, "the directory after \"onnx:\" is empty");
        try
        {
            return OnnxJudge.Load(directory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or PlatformNotSupportedException or ChatTemplateException)
        {
            throw new JudgeSpecException(spec, e.Message);
        }
    }

    private static IPairwiseJudge OpenAI(string spec, string rest, string? optionText)
    {
        var options = new SchemeOptions(spec, optionText, ["key_env", "allow_http_key", "timeout", "max_response_bytes"]);
        // MODEL@BASE_URL: split at the first "@" that starts a URL, so a model name may itself contain "@".
        string model = rest;
        Uri? endpoint = null;
        int at = rest.IndexOf("@http", StringComparison.OrdinalIgnoreCase);
        if (at >= 0)
        {
            model = rest[..at].Trim();
            var url = rest[(at + 1)..].Trim();
            if (!Uri.TryCreate(url, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https"))
                throw new JudgeSpecException(spec, $"\"{url}\" is not an http(s) URL");
        }
        else if (rest.Contains('@'))
        {
            throw new JudgeSpecException(spec, "the base URL after \"@\" must start with http:// or https://");
        }
        if (model.Length == 0) throw new JudgeSpecException(spec, "the model name is empty");
        var settings = new OpenAIJudgeOptions
        {
            Model = model,
            Endpoint = endpoint,
            AllowKeyOverHttp = options.Flag("allow_http_key"),
        };
        if (options.Text("key_env") is { } keyVariable) settings = settings with { KeyVariable = keyVariable };
        if (options.Seconds("timeout") is { } timeout) settings = settings with { Timeout = timeout };
        if (options.Count("max_response_bytes") is { } maxBytes) settings = settings with { MaxResponseBytes = maxBytes };
        try
        {
            return new OpenAIJudge(settings);
        }
        catch (ArgumentException e)
        {
            throw new JudgeSpecException(spec, e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
    }

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, or −1.</summary>
    private static int Close(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>Splits at commas outside parentheses, into at most <paramref name="limit"/> trimmed parts.</summary>
    private static List<string> SplitTopLevel(string spec, string inside, int limit)
    {
        var parts = new List<string>();
        if (inside.Trim().Length == 0) return parts;
        int depth = 0, start = 0;
        for (int i = 0; i < inside.Length; i++)
        {
            switch (inside[i])
            {
                case '(': depth++; break;
                case ')':
                    if (--depth < 0) throw new JudgeSpecException(spec, "a closing parenthesis has no opening one");
                    break;
                case ',' when depth == 0 && parts.Count < limit - 1:
                    parts.Add(inside[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        if (depth != 0) throw new JudgeSpecException(spec, "a parenthesis is not closed");
        parts.Add(inside[start..].Trim());
        return parts;
    }
}
