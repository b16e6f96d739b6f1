using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// A validated, compiled relabel config. <see cref="Apply"/> runs it on a label set being built and
/// answers whether the target or series is kept. Immutable: one rule serves any number of threads.
/// </summary>
public sealed class RelabelRule
{
    // Joined source values up to this many chars are built on the stack.
    private const int StackChars = 256;

    private readonly string[] _sources;
    private readonly ReplacementTemplate _replacement;
    private readonly ReplacementTemplate _target;
    private readonly LabelNameValidation _validation;

    /// <summary>Compiles <paramref name="config"/>; throws <see cref="ArgumentException"/> when it is not valid.</summary>
    public RelabelRule(RelabelConfig config, LabelNameValidation validation = LabelNameValidation.Utf8)
        : this(config, validation, Compile(config, validation))
    {
    }

    private RelabelRule(RelabelConfig config, LabelNameValidation validation, RelabelRegex regex)
    {
        Config = config;
        Regex = regex;
        _validation = validation;
        _sources = [.. config.SourceLabels ?? []];
        _replacement = ReplacementTemplate.Parse(config.Replacement, regex);
        _target = ReplacementTemplate.Parse(config.TargetLabel, regex);
    }

    public RelabelConfig Config { get; }

    public RelabelAction Action => Config.Action;

    public RelabelRegex Regex { get; }

    /// <summary>Compiles <paramref name="config"/>, or answers the reason it is not valid.</summary>
    public static bool TryCreate(RelabelConfig config, LabelNameValidation validation, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RelabelRule? rule, out string? error)
    {
        rule = null;
        error = config.Validate(validation);
        if (error is not null)
        {
            return false;
        }

        if (!RelabelRegex.TryCreate(config.Regex ?? RelabelRegex.DefaultPattern, out var regex, out var regexError))
        {
            error = $"invalid regex '{config.Regex}': {regexError}";
            return false;
        }

        rule = new RelabelRule(config, validation, regex);
        return true;
    }

    private static RelabelRegex Compile(RelabelConfig config, LabelNameValidation validation)
    {
        var error = config.Validate(validation);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(config));
        }

        return RelabelRegex.TryCreate(config.Regex ?? RelabelRegex.DefaultPattern, out var regex, out var regexError)
            ? regex
            : throw new ArgumentException($"invalid regex '{config.Regex}': {regexError}", nameof(config));
    }

    /// <summary>Applies the rule to <paramref name="labels"/>; false means the target or series is dropped.</summary>
    public bool Apply(LabelSetBuilder labels)
    {
        switch (Config.Action)
        {
            case RelabelAction.Keep:
                return MatchesJoined(labels);
            case RelabelAction.Drop:
                return !MatchesJoined(labels);
            case RelabelAction.KeepEqual:
                return EqualsJoined(labels, labels.Get(Config.TargetLabel));
            case RelabelAction.DropEqual:
                return !EqualsJoined(labels, labels.Get(Config.TargetLabel));
            case RelabelAction.Replace:
                Replace(labels);
                return true;
            case RelabelAction.Lowercase:
                labels.Set(Config.TargetLabel, Joined(labels).ToLowerInvariant());
                return true;
            case RelabelAction.Uppercase:
                labels.Set(Config.TargetLabel, Joined(labels).ToUpperInvariant());
                return true;
            case RelabelAction.HashMod:
                labels.Set(Config.TargetLabel, HashMod(labels).ToString(CultureInfo.InvariantCulture));
                return true;
            case RelabelAction.LabelMap:
                LabelMap(labels);
                return true;
            case RelabelAction.LabelDrop:
                labels.RemoveWhere(static (name, regex) => regex.IsMatch(name), Regex);
                return true;
            case RelabelAction.LabelKeep:
                labels.RemoveWhere(static (name, regex) => !regex.IsMatch(name), Regex);
                return true;
            default:
                throw new InvalidOperationException($"unknown relabel action {Config.Action}");
        }
    }

    /// <summary>
    /// Prometheus's hashmod: the md5 of the joined source values (UTF-8), its last 8 bytes read as a
    /// big-endian unsigned integer, modulo <c>modulus</c>.
    /// </summary>
    public static ulong HashMod(string value, ulong modulus)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = max <= StackChars * 3 ? null : ArrayPool<byte>.Shared.Rent(max);
        Span<byte> bytes = rented ?? stackalloc byte[StackChars * 3];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(bytes[..length], digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return BinaryPrimitives.ReadUInt64BigEndian(digest[8..]) % modulus;
    }

    private ulong HashMod(LabelSetBuilder labels) => HashMod(Joined(labels), Config.Modulus);

    private void Replace(LabelSetBuilder labels)
    {
        var value = Joined(labels);
        if (!Regex.TryMatch(value, out var match))
        {
            return;
        }

        var target = _target.HasReferences ? _target.Expand(Regex, value, match) : Config.TargetLabel;
        if (_target.HasReferences && !LabelNames.IsValid(target, _validation))
        {
            return;
        }

        var result = Regex.CapturesAll && _replacement.IsGroupOne ? value : _replacement.Expand(Regex, value, match);
        if (result.Length == 0)
        {
            labels.Delete(target);
        }
        else
        {
            labels.Set(target, result);
        }
    }

    private void LabelMap(LabelSetBuilder labels)
    {
        // Prometheus reads the labels as they were before this rule while it writes new ones.
        var count = labels.Count;
        var names = ArrayPool<string>.Shared.Rent(count);
        var values = ArrayPool<string>.Shared.Rent(count);
        labels.CopyTo(names, values);
        for (var i = 0; i < count; i++)
        {
            if (Regex.TryMatch(names[i], out var match))
            {
                var name = _replacement.Expand(Regex, names[i], match);
                if (name.Length > 0)
                {
                    labels.Set(name, values[i]);
                }
            }
        }

        Array.Clear(names, 0, count);
        Array.Clear(values, 0, count);
        ArrayPool<string>.Shared.Return(names);
        ArrayPool<string>.Shared.Return(values);
    }

    /// <summary>The source values joined with the separator (a missing label is an empty value).</summary>
    private string Joined(LabelSetBuilder labels)
    {
        switch (_sources.Length)
        {
            case 0:
                return string.Empty;
            case 1:
                return labels.Get(_sources[0]);
            default:
                var values = new string[_sources.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = labels.Get(_sources[i]);
                }

                return string.Join(Config.Separator, values);
        }
    }

    private bool MatchesJoined(LabelSetBuilder labels)
    {
        if (_sources.Length <= 1)
        {
            return Regex.IsMatch(_sources.Length == 0 ? string.Empty : labels.Get(_sources[0]));
        }

        var length = JoinedLength(labels);
        if (length > StackChars)
        {
            return Regex.IsMatch(Joined(labels));
        }

        Span<char> buffer = stackalloc char[StackChars];
        return Regex.IsMatch(JoinInto(labels, buffer));
    }

    private bool EqualsJoined(LabelSetBuilder labels, string other)
    {
        if (_sources.Length <= 1)
        {
            return string.Equals(_sources.Length == 0 ? string.Empty : labels.Get(_sources[0]), other, StringComparison.Ordinal);
        }

        var length = JoinedLength(labels);
        if (length != other.Length)
        {
            return false;
        }

        if (length > StackChars)
        {
            return string.Equals(Joined(labels), other, StringComparison.Ordinal);
        }

        Span<char> buffer = stackalloc char[StackChars];
        return JoinInto(labels, buffer).SequenceEqual(other);
    }

    private int JoinedLength(LabelSetBuilder labels)
    {
        var length = Config.Separator.Length * (_sources.Length - 1);
        foreach (var source in _sources)
        {
            length += labels.Get(source).Length;
        }

        return length;
    }

    private ReadOnlySpan<char> JoinInto(LabelSetBuilder labels, Span<char> buffer)
    {
        var at = 0;
        for (var i = 0; i < _sources.Length; i++)
        {
            if (i > 0)
            {
                Config.Separator.AsSpan().CopyTo(buffer[at..]);
                at += Config.Separator.Length;
            }

            var value = labels.Get(_sources[i]);
            value.AsSpan().CopyTo(buffer[at..]);
            at += value.Length;
        }

        return buffer[..at];
    }

    public override string ToString() => $"{RelabelConfig.ActionName(Action)} {string.Join(",", _sources)} /{Regex.Pattern}/ -> {Config.TargetLabel}";
}
