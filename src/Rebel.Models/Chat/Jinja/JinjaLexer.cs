using System.Globalization;
using System.Text;

namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// Splits a template into text and tag tokens, applying whitespace control as Hugging Face renders chat templates:
/// <c>trim_blocks</c> (the first newline after a block or comment tag is removed), <c>lstrip_blocks</c> (spaces and
/// tabs between a line's start and a block or comment tag are removed, unless the tag opens with <c>{%+</c>),
/// <c>{%-</c>/<c>-%}</c> (and <c>{{-</c>, <c>-}}</c>, <c>{#-</c>, <c>-#}</c>) strip all whitespace on that side, and a
/// single trailing newline of the template is dropped.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", "<=", ">=",
        "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
    ];

    private readonly JinjaSource _source;
    private readonly string _s;
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;

    private JinjaLexer(JinjaSource source)
    {
        _source = source;
        _s = source.Text.EndsWith('\n') ? source.Text[..^1] : source.Text;
    }

    public static List<JinjaToken> Tokenize(JinjaSource source)
    {
        var lexer = new JinjaLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        bool stripLeading = false, trimNewline = false;
        while (_pos < _s.Length)
        {
            int open = FindTagOpen(_pos);
            int textStart = _pos, textEnd = open;
            if (stripLeading)
                while (textStart < textEnd && char.IsWhiteSpace(_s[textStart])) textStart++;
            else if (trimNewline && textStart < textEnd && _s[textStart] == '\n')
                textStart++;

            if (open < _s.Length)
            {
                char kind = _s[open + 1];
                char modifier = open + 2 < _s.Length ? _s[open + 2] : '\0';
                if (modifier == '-')
                {
                    while (textEnd > textStart && char.IsWhiteSpace(_s[textEnd - 1])) textEnd--;
                }
                else if (kind is '%' or '#' && modifier != '+')
                {
                    // lstrip_blocks: drop spaces/tabs before the tag when nothing else precedes it on its line.
                    int k = textEnd;
                    while (k > textStart && _s[k - 1] is ' ' or '\t') k--;
                    bool atLineStart = k == 0 || _s[k - 1] == '\n';
                    if (atLineStart) textEnd = k;
                }
            }
            if (textEnd > textStart) _tokens.Add(new JinjaToken(JinjaTokenKind.Text, _s[textStart..textEnd], textStart));
            if (open >= _s.Length) break;

            (stripLeading, trimNewline) = ReadTag(open);
        }
        _tokens.Add(new JinjaToken(JinjaTokenKind.EndOfInput, "", _s.Length));
    }

    private int FindTagOpen(int from)
    {
        for (int i = _s.IndexOf('{', from); i >= 0 && i + 1 < _s.Length; i = _s.IndexOf('{', i + 1))
            if (_s[i + 1] is '{' or '%' or '#') return i;
        return _s.Length;
    }

    /// <summary>Reads one tag starting at <paramref name="open"/>; returns how the following text is trimmed.</summary>
    private (bool StripLeading, bool TrimNewline) ReadTag(int open)
    {
        char kind = _s[open + 1];
        _pos = open + 2;
        if (_pos < _s.Length && _s[_pos] is '-' or '+') _pos++;

        if (kind == '#')
        {
            int bodyStart = _pos;
            int close = _s.IndexOf("#}", _pos, StringComparison.Ordinal);
            if (close < 0) throw _source.Error(open, "comment '{#' is never closed with '#}'");
            _pos = close + 2;
            bool strip = close - 1 >= bodyStart && _s[close - 1] == '-';
            return (strip, !strip);
        }

        bool isBlock = kind == '%';
        _tokens.Add(new JinjaToken(isBlock ? JinjaTokenKind.BlockStart : JinjaTokenKind.VariableStart, isBlock ? "{%" : "{{", open));
        int depth = 0;
        while (true)
        {
            while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos])) _pos++;
            if (_pos >= _s.Length)
                throw _source.Error(open, isBlock ? "tag '{%' is never closed with '%}'" : "expression '{{' is never closed with '}}'");

            // The closing delimiter, optionally with '-' in front of it.
            string close = isBlock ? "%}" : "}}";
            bool dash = _s[_pos] == '-' && string.CompareOrdinal(_s, _pos + 1, close, 0, 2) == 0;
            if ((dash || string.CompareOrdinal(_s, _pos, close, 0, 2) == 0) && (isBlock || depth == 0))
            {
                _tokens.Add(new JinjaToken(isBlock ? JinjaTokenKind.BlockEnd : JinjaTokenKind.VariableEnd, close, _pos));
                _pos += dash ? 3 : 2;
                return (dash, !dash && isBlock);
            }
            ReadExpressionToken(ref depth);
        }
    }

    private void ReadExpressionToken(ref int depth)
    {
        int start = _pos;
        char c = _s[_pos];
        if (c is '\'' or '"')
        {
            _tokens.Add(new JinjaToken(JinjaTokenKind.String, ReadString(c), start));
            return;
        }
        if (char.IsAsciiDigit(c))
        {
            while (_pos < _s.Length && (char.IsAsciiDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
            bool isFloat = false;
            if (_pos + 1 < _s.Length && _s[_pos] == '.' && char.IsAsciiDigit(_s[_pos + 1]))
            {
                isFloat = true;
                _pos++;
                while (_pos < _s.Length && (char.IsAsciiDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
            }
            if (_pos < _s.Length && _s[_pos] is 'e' or 'E')
            {
                int save = _pos++;
                if (_pos < _s.Length && _s[_pos] is '+' or '-') _pos++;
                if (_pos < _s.Length && char.IsAsciiDigit(_s[_pos]))
                {
                    isFloat = true;
                    while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
                }
                else _pos = save;
            }
            _tokens.Add(new JinjaToken(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, _s[start.._pos].Replace("_", ""), start));
            return;
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
            _tokens.Add(new JinjaToken(JinjaTokenKind.Name, _s[start.._pos], start));
            return;
        }
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_s, _pos, op, 0, op.Length) != 0) continue;
            if (op is "(" or "[" or "{") depth++;
            else if (op is ")" or "]" or "}") depth--;
            _pos += op.Length;
            _tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, start));
            return;
        }
        throw _source.Error(start, $"unexpected character '{c}' in a tag");
    }

    /// <summary>A quoted string with Python's escapes (<c>\n \t \r \\ \' \" \xhh \uhhhh \Uhhhhhhhh</c>, octal);
    /// an unknown escape keeps its backslash, as Python does.</summary>
    private string ReadString(char quote)
    {
        int start = _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _s.Length) throw _source.Error(start, "string literal is never closed");
            char c = _s[_pos++];
            if (c == quote) return sb.ToString();
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (_pos >= _s.Length) throw _source.Error(start, "string literal is never closed");
            char e = _s[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\n': break; // a backslash-newline continues the line
                case 'x': sb.Append(ReadHex(start, 2)); break;
                case 'u': sb.Append(ReadHex(start, 4)); break;
                case 'U': sb.Append(ReadHex(start, 8)); break;
                case >= '0' and <= '7':
                    int value = e - '0', digits = 1;
                    while (digits < 3 && _pos < _s.Length && _s[_pos] is >= '0' and <= '7')
                    {
                        value = value * 8 + (_s[_pos++] - '0');
                        digits++;
                    }
                    sb.Append((char)value);
                    break;
                default: sb.Append('\\').Append(e); break;
            }
        }
    }

    private string ReadHex(int stringStart, int digits)
    {
        if (_pos + digits > _s.Length ||
            !int.TryParse(_s.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code) ||
            code > 0x10FFFF)
            throw _source.Error(stringStart, $"bad \\{(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U')} escape in string literal");
        _pos += digits;
        return code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code);
    }
}
