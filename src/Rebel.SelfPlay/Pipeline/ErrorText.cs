using System.Text.Json;
using System.Text.RegularExpressions;
using Rebel.Judges.Llm;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// An exception's message in the user's terms: without .NET's <c>(Parameter 'x')</c> suffix and
/// <c>Actual value was</c> line, with JSON binding errors restated (an unknown key, a value of the wrong kind, the
/// valid names of an enumeration), and with credentials in URLs redacted.
/// </summary>
public static partial class ErrorText
{
    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped to any \.NET member contained in type '[^']*'\.", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"The JSON value could not be converted to (?<type>[\w.`+\[\], ]+?)\. Path: (?<path>\S+?)(?: \||\.? LineNumber|$)", RegexOptions.CultureInvariant)]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"\s*Path: \$\S* \| LineNumber: \d+ \| BytePositionInLine: \d+\.", RegexOptions.CultureInvariant)]
    private static partial Regex Position();

    [GeneratedRegex(@"^(?<why>[^\r\n]+?) : '(?<path>[^']+)'$", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonThenPath();

    [GeneratedRegex(@"\.[0-9a-f]{32}\.tmp$|\.tmp-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporarySuffix();

    /// <summary>The message of <paramref name="e"/> for the user.</summary>
    public static string Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var text = e switch
        {
            ArgumentOutOfRangeException a => Plain(a) + (a.ActualValue is null ? "" : $" (got {a.ActualValue})"),
            ArgumentException a => Plain(a),
            UnauthorizedAccessException => $"{e.Message.Replace("Access to the path", "cannot access", StringComparison.Ordinal).TrimEnd('.')} (permission denied)",
            IOException when ReasonThenPath().Match(e.Message) is { Success: true } m =>
                $"{TemporarySuffix().Replace(m.Groups["path"].Value, "")}: {m.Groups["why"].Value}",   // .NET's "No space left on device : 'PATH'"
            _ => e.Message,
        };
        text = Json(text);
        text = string.Join(Environment.NewLine, text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.StartsWith("Actual value was", StringComparison.Ordinal)));
        return UrlCredentials.Redact(text);
    }

    /// <summary>Restates System.Text.Json's binding errors found anywhere in <paramref name="message"/>.</summary>
    internal static string Json(string message)
    {
        var text = UnknownMember().Replace(message, m => $"unknown key \"{m.Groups["name"].Value}\"");
        text = NotConvertible().Replace(text, m =>
        {
            var where = m.Groups["path"].Value.TrimStart('$').TrimStart('.');
            var type = FindType(m.Groups["type"].Value.Trim());
            var expected = type switch
            {
                { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n)))}",
                _ => $"a {Kind(type, m.Groups["type"].Value)}",
            };
            return $"\"{where}\" has a value of the wrong kind: expected {expected}";
        });
        return Position().Replace(text, "");
    }

    /// <summary>
    /// The message without .NET's suffixes; prefixed with the setting's name in snake case (<c>top_p</c> for TopP) when
    /// the message does not name it already.
    /// </summary>
    private static string Plain(ArgumentException e)
    {
        var text = e.Message;
        int actual = text.IndexOf("\nActual value was", StringComparison.Ordinal);
        if (actual < 0) actual = text.IndexOf("\r\nActual value was", StringComparison.Ordinal);
        if (actual >= 0) text = text[..actual];
        if (e.ParamName is not { Length: > 0 } name) return text;
        text = text.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        var setting = JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
        bool named = text.Contains(setting, StringComparison.OrdinalIgnoreCase) || text.Contains(name, StringComparison.OrdinalIgnoreCase)
                     || name is "options" or "value" or "path";
        return named ? text : $"{setting}: {text}";
    }

    private static Type? FindType(string name)
    {
        var underlying = name.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? name["System.Nullable`1[".Length..].Split(',')[0].TrimEnd(']') : name;
        return AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(underlying)).FirstOrDefault(t => t is not null);
    }

    private static string Kind(Type? type, string name) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "true or false",
        TypeCode.String => "string",
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "whole number",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "number",
        _ => type is null ? name : type.Name.ToLowerInvariant() is var n && n.EndsWith("config", StringComparison.Ordinal) ? "JSON object" : $"JSON value of type {type.Name}",
    };
}
