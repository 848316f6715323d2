"""Codec codes of the `payload` columns (cdr-model.md) and their names. No Django import."""

CODEC_NAMES = {
    0: "PCMU",
    3: "GSM",
    4: "G723",
    8: "PCMA",
    9: "G722",
    12: "QCELP",
    13: "CN",
    18: "G729",
    97: "iLBC",
    98: "Speex",
    100: "clearmode",
    301: "SILK",
    302: "SILK8",
    303: "SILK12",
    304: "SILK16",
    305: "SILK24",
    306: "iSAC",
    307: "iSAC16",
    308: "iSAC32",
    311: "OPUS",
    312: "OPUS8",
    313: "OPUS12",
    314: "OPUS16",
    315: "OPUS24",
    316: "OPUS48",
    320: "AMR",
    321: "AMR-WB",
    331: "G722.1-24",
    332: "G722.1-32",
    333: "G722.1-48",
    334: "G722.1C-24",
    335: "G722.1C-32",
    336: "G722.1C-48",
    351: "G726-16",
    352: "G726-24",
    353: "G726-32",
    354: "G726-40",
    359: "EVS",
    400: "telephone-event",
    1000: "T.38",
    1001: "T.30",
    10000: "video",
}


def codec_name(code):
    if code is None:
        return ""
    return CODEC_NAMES.get(code, str(code))
