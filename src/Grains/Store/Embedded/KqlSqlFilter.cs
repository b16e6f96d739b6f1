namespace Pipeline.Grains.Store.Embedded;

/// <summary>
/// A KQL query as a boolean SQL expression over the <c>logs</c> table, and the values of its
/// parameters (<c>$k0</c>, <c>$k1</c>, …). <see cref="Sql"/> holds no user text.
/// <see cref="UsesFullTextIndex"/> tells the store the filter has an FTS5 MATCH, whose
/// selectivity SQLite's planner cannot estimate.
/// </summary>
internal sealed record KqlSqlFilter(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters, bool UsesFullTextIndex)
{
    /// <summary>True when the filter keeps every row and can be left out of the statement.</summary>
    public bool MatchesAll => Sql == KqlSqlTranslator.True;
}
