namespace Pipeline.Tests.Support;

/// <summary>One term an analyzer produced and its position (phrase queries need positions; a removed stop word leaves a gap).</summary>
public readonly record struct ElasticsearchStandInToken(string Term, int Position);
