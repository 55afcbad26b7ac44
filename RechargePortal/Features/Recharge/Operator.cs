namespace RechargePortal.Features.Recharge;

/// <summary>The mobile operators of Bangladesh the portal recharges.</summary>
public enum Operator
{
    Grameenphone,
    Banglalink,
    Robi,
    Airtel,
    Teletalk,
}

/// <summary>What kind of line is recharged. Skitto is a Grameenphone brand.</summary>
public enum NumberType
{
    Prepaid,
    Postpaid,
    Skitto,
    PowerLoad,
}
