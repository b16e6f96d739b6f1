namespace Pipeline.Grains.Search.Kql;

/// <summary>
/// A node of a parsed Kibana Query Language query. Nodes are immutable records with value
/// equality, so two parses of the same query compare equal.
/// </summary>
public abstract record KqlNode;
