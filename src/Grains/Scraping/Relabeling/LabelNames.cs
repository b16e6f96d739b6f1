using System.Text;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>Checks of label names and values, by <see cref="LabelNameValidation"/>.</summary>
public static class LabelNames
{
    public static bool IsValid(string name, LabelNameValidation validation) => validation switch
    {
        LabelNameValidation.Legacy => IsLegacy(name),
        _ => name.Length > 0 && IsValidValue(name),
    };

    /// <summary><c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsLegacy(ReadOnlySpan<char> name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A value is valid when it is valid Unicode (no lone surrogate), i.e. encodes to valid UTF-8.</summary>
    public static bool IsValidValue(string value)
    {
        foreach (var c in value)
        {
            if (char.IsSurrogate(c))
            {
                return AllRunesValid(value);
            }
        }

        return true;
    }

    private static bool AllRunesValid(string value)
    {
        var rest = value.AsSpan();
        while (rest.Length > 0)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    /// <summary>
    /// A <c>target_label</c> or labelmap <c>replacement</c> that holds <c>$</c> references: in legacy mode,
    /// letters, digits, <c>_</c> and references only (Prometheus's check); in UTF-8 mode, any valid name.
    /// </summary>
    public static bool IsValidWithReferences(string name, LabelNameValidation validation)
    {
        if (validation != LabelNameValidation.Legacy)
        {
            return IsValid(name, validation);
        }

        // (?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+ : no leading digit, then word characters and references.
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                continue;
            }

            if (c != '$' || i + 1 >= name.Length)
            {
                return false;
            }

            if (name[i + 1] == '{')
            {
                var close = name.IndexOf('}', i + 2);
                if (close < 0 || close == i + 2 || !IsWord(name.AsSpan(i + 2, close - i - 2)))
                {
                    return false;
                }

                i = close;
            }
            else if (!(char.IsAsciiLetterOrDigit(name[i + 1]) || name[i + 1] == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWord(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
