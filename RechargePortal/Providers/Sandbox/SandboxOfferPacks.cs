namespace RechargePortal.Providers.Sandbox;

/// <summary>The sandbox's ECARE <c>OFFERPACK</c> reply, in the shape seen in real traffic (NOTES.md).</summary>
internal static class SandboxOfferPacks
{
    public const string Json = """
        {"STATUS":"OK",
        "GP":[{"_operator":"GP","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"5 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"198","_commission_amount":"4.00","_status":"A","_offer_details":"5 GB internet for 7 days"},
              {"_operator":"GP","_number_type":"1","_offer_type":"BD","_minute_pack":"300 Min","_internet_pack":"10 GB","_sms_pack":"100 SMS","_callrate_pack":"-","_validity":"30 Days","_amount":"699","_commission_amount":"14.00","_status":"A","_offer_details":""},
              {"_operator":"GP","_number_type":"3","_offer_type":"IN","_minute_pack":"-","_internet_pack":"20 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"30 Days","_amount":"399","_commission_amount":"6.00","_status":"A","_offer_details":"Skitto only"}],
        "BL":[{"_operator":"BL","_number_type":"1","_offer_type":"MN","_minute_pack":"250 Min","_internet_pack":"-","_sms_pack":"-","_callrate_pack":"-","_validity":"30 Days","_amount":"289","_commission_amount":"5.50","_status":"A","_offer_details":""},
              {"_operator":"BL","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"1 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"3 Days","_amount":"48","_commission_amount":"1.00","_status":"I","_offer_details":"withdrawn"}],
        "RB":[{"_operator":"RB","_number_type":"1","_offer_type":"MN","_minute_pack":"100 Min","_internet_pack":"-","_sms_pack":"-","_callrate_pack":"-","_validity":"30 Days","_amount":"116","_commission_amount":"2.00","_status":"A","_offer_details":""}],
        "AR":[{"_operator":"AR","_number_type":"1","_offer_type":"BD","_minute_pack":"150 Min","_internet_pack":"3 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"15 Days","_amount":"249","_commission_amount":"5.00","_status":"A","_offer_details":""}],
        "TL":[{"_operator":"TL","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"2 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"87","_commission_amount":"1.50","_status":"A","_offer_details":""}],
        "MESSAGE":"Offer Pack List"}
        """;
}
