namespace Aggregator.Api.OpenApi;

/// <summary>The closed lists of words a string member can hold, documented as an <c>enum</c>.</summary>
public enum Vocabularies
{
    /// <summary>A key's role: admin, tenant-admin, reporter, reviewer, viewer.</summary>
    Roles,
    /// <summary>The roles a tenant's keys can be given (not admin).</summary>
    TenantRoles,
    /// <summary>What a tenant is: province, city, district, county.</summary>
    TenantKinds,
    /// <summary>What an org unit is (a tenant's root has its tenant's kind).</summary>
    OrgUnitKinds,
    /// <summary>The codes of the templates loaded at start-up.</summary>
    Templates,
    /// <summary>Why a 404 has no figures yet.</summary>
    NotFoundReasons,
    /// <summary>What a rule checks: sum, lte, gte, value, …</summary>
    RuleKinds,
    /// <summary>error (rejects a report) or warning (stored and shown).</summary>
    RuleSeverities,
    /// <summary>passed, failed, not-evaluable.</summary>
    RuleStatuses,
    /// <summary>integer or decimal.</summary>
    ValueTypes,
    /// <summary>How an indicator rolls up: sum or none.</summary>
    Aggregates,
    /// <summary>A version's review status: submitted, accepted, returned.</summary>
    ReviewStatuses,
    /// <summary>The tenant's review setting: off or required.</summary>
    ReviewModes,
    /// <summary>A unit's state in a year's completeness: accepted, submitted, returned, missing.</summary>
    UnitReportStates,
    /// <summary>What a data-quality flag is: swing, outlier, warning.</summary>
    QualityFlagKinds,
    /// <summary>How an imported .txt was decoded: utf-8, utf-16le, utf-16be, gb18030.</summary>
    TextEncodings,
}

/// <summary>Documents a string member as one of the words of a vocabulary.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class VocabularyAttribute(Vocabularies vocabulary) : Attribute
{
    public Vocabularies Vocabulary { get; } = vocabulary;
}

/// <summary>
/// Documents a report's values: an object of indicator (or cell) code → number, or null for an empty cell.
/// For members kept as raw JSON so that a bad value can be reported against its indicator.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ReportValuesAttribute : Attribute;
