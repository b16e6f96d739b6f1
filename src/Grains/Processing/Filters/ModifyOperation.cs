namespace Pipeline.Grains.Processing.Filters;

/// <summary>The rules of fluent-bit's modify filter.</summary>
public enum ModifyOperation
{
    /// <summary>Write the value, replacing any.</summary>
    Set,

    /// <summary>Write the value only if the key is missing.</summary>
    Add,

    /// <summary>Remove the key.</summary>
    Remove,

    /// <summary>Remove every top-level key matching a wildcard (<c>trace_*</c>; no <c>*</c> means a prefix).</summary>
    RemoveWildcard,

    /// <summary>Remove every top-level key matching a regular expression.</summary>
    RemoveRegex,

    /// <summary>Move the key's value to a new key if the key exists and the target does not.</summary>
    Rename,

    /// <summary>Move the key's value to a new key, replacing the target.</summary>
    HardRename,

    /// <summary>Copy the key's value to a new key if the key exists and the target does not.</summary>
    Copy,

    /// <summary>Copy the key's value to a new key, replacing the target.</summary>
    HardCopy,
}
