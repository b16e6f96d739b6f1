namespace Pipeline.Tests.Support;

/// <summary>Makes matching bulk items fail with an Elasticsearch per-item error, for a number of times.</summary>
internal sealed class ElasticsearchStandInItemFault
{
    public required Func<ElasticsearchStandInBulkItem, bool> Match { get; init; }
    public required int Status { get; init; }
    public required string ErrorType { get; init; }
    /// <summary>The error's reason for the item it refuses.</summary>
    public required Func<ElasticsearchStandInBulkItem, string> Reason { get; init; }

    /// <summary>Items it may still fail; <see cref="int.MaxValue"/> is forever.</summary>
    public int Remaining { get; set; }
}
