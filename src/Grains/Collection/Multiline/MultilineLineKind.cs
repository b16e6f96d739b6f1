namespace Pipeline.Grains.Collection.Multiline;

/// <summary>What a line is to the record its stream is building.</summary>
internal enum MultilineLineKind : byte
{
    /// <summary>Neither starts nor continues a record: it goes through on its own.</summary>
    Alone,

    /// <summary>Starts a record; a record still pending on the stream is emitted first.</summary>
    Start,

    /// <summary>Joins the record pending on the stream.</summary>
    Continue,
}
