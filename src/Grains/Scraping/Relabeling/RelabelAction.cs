namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>The <c>action</c> of a relabel config, as Prometheus names them (written in lower case in YAML).</summary>
public enum RelabelAction
{
    /// <summary>Sets <c>target_label</c> to the expanded <c>replacement</c> when <c>regex</c> matches the joined source values (the default).</summary>
    Replace,

    /// <summary>Drops the target or series unless <c>regex</c> matches the joined source values.</summary>
    Keep,

    /// <summary>Drops the target or series when <c>regex</c> matches the joined source values.</summary>
    Drop,

    /// <summary>Drops the target or series unless the joined source values equal the value of <c>target_label</c>.</summary>
    KeepEqual,

    /// <summary>Drops the target or series when the joined source values equal the value of <c>target_label</c>.</summary>
    DropEqual,

    /// <summary>Sets <c>target_label</c> to the md5 of the joined source values modulo <c>modulus</c>.</summary>
    HashMod,

    /// <summary>Copies every label whose name matches <c>regex</c> to the name given by <c>replacement</c>.</summary>
    LabelMap,

    /// <summary>Removes every label whose name matches <c>regex</c>.</summary>
    LabelDrop,

    /// <summary>Removes every label whose name does not match <c>regex</c>.</summary>
    LabelKeep,

    /// <summary>Sets <c>target_label</c> to the joined source values in lower case.</summary>
    Lowercase,

    /// <summary>Sets <c>target_label</c> to the joined source values in upper case.</summary>
    Uppercase,
}
