using System.Text;
using System.Text.Json;

namespace RechargePortal.Providers;

/// <summary>
/// Reads the flat key/value replies both vendors send, however they are dressed: proper JSON,
/// JSON with unquoted values and keys with stray spaces, or <c>KEY=value</c> lines. Keys are
/// trimmed and compared case-insensitively. An empty body, an HTML page or anything else gives null.
/// </summary>
public static class LenientReply
{
    public static IReadOnlyDictionary<string, string>? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var text = body.Trim().TrimStart('\uFEFF');
        if (text.StartsWith('{'))
        {
            return ParseStrictJson(text) ?? ParseLooseJson(text);
        }

        if (text.StartsWith('<'))
        {
            return null;
        }

        return ParseKeyValueLines(text);
    }

    private static Dictionary<string, string>? ParseStrictJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = NewMap();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                result[NormalizeKey(property.Name)] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A hand tokenizer for one flat object: quoted or bare keys and values, commas between.</summary>
    private static Dictionary<string, string>? ParseLooseJson(string text)
    {
        var end = text.LastIndexOf('}');
        var inner = end > 0 ? text[1..end] : text[1..];
        var result = NewMap();
        var i = 0;
        while (i < inner.Length)
        {
            SkipSeparators(inner, ref i);
            if (i >= inner.Length)
            {
                break;
            }

            var key = ReadToken(inner, ref i, ':');
            if (i >= inner.Length || inner[i] != ':')
            {
                return result.Count > 0 ? result : null;
            }

            i++;
            var value = ReadToken(inner, ref i, ',');
            if (key.Length > 0)
            {
                result[NormalizeKey(key)] = value;
            }
        }

        return result.Count > 0 ? result : null;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == ','))
        {
            i++;
        }
    }

    private static string ReadToken(string s, ref int i, char stop)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        if (i < s.Length && s[i] == '"')
        {
            var sb = new StringBuilder();
            i++;
            while (i < s.Length && s[i] != '"')
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    i++;
                }

                sb.Append(s[i]);
                i++;
            }

            i++; // closing quote
            while (i < s.Length && s[i] != stop && s[i] != ',' && s[i] != ':')
            {
                i++;
            }

            return sb.ToString();
        }

        var start = i;
        while (i < s.Length && s[i] != stop && s[i] != ',')
        {
            i++;
        }

        return s[start..i].Trim();
    }

    private static Dictionary<string, string>? ParseKeyValueLines(string text)
    {
        var result = NewMap();
        foreach (var part in text.Split(['\n', '\r', '&'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                return null;
            }

            result[NormalizeKey(part[..eq])] = part[(eq + 1)..].Trim();
        }

        return result.Count > 0 ? result : null;
    }

    private static string NormalizeKey(string key) => string.Concat(key.Where(c => !char.IsWhiteSpace(c) && c != '"'));

    private static Dictionary<string, string> NewMap() => new(StringComparer.OrdinalIgnoreCase);

    public static string? Get(this IReadOnlyDictionary<string, string> reply, string key) =>
        reply.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The start of a body, for an "unreadable reply" reason.</summary>
    public static string Snippet(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "empty body";
        }

        var flat = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 80 ? $"'{flat}'" : $"'{flat[..80]}…'";
    }
}
