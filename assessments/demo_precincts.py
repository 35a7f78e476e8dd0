"""The demo's three precincts of the bureau and how each one's current year goes (`PrecinctYear`): 士林分局, the
seed's, with the fullest year (every unit of the seed's tree, proposals, training, a measure added last month,
a submission returned and sent again), and 大同分局 and 內湖分局 (their units: `diagnosis.demo_accounts`), each
with a lighter year of its own — fewer units and evidence files, one proposal, one training session, one
submission — whose figures differ from 士林分局's: 大同分局 falls behind (落後, 逾期) on more measures, with more
items under follow-up; 內湖分局 keeps to plan as a whole (its 派出所, 康寧 most, fall behind on a few measures;
康寧 is often late) and was late with its submission."""

from decimal import Decimal

from .demo_reports import Course
from .demo_submissions import Sending
from .demo_timeline import PrecinctYear

RETURN_COMMENT = "附表2「服務友善」措施缺少本年度辦理成果，請補充佐證資料（如照片、統計表）後再送審。"

SHILIN = PrecinctYear(
    code="tcpd-shilin",
    staff="secretariat",
    colleague="secretariat2",
    seed=23,
    follow_up_unit="shilin-secretariat",
    # 附表1's 「各分局、大隊、隊」 fall to the precinct as a whole until 研考承辦 name its own units: for these they do.
    units={
        "附表1／服務一致及正確／服務及時性": (("shilin-secretariat",), ("shilin-command",)),
        "附表1／服務友善／服務設施合宜程度": (("shilin-administration",), ("shilin-secretariat",)),
        "附表1／意見回應處理情形／針對民眾意見": (("shilin-secretariat",), ("shilin-inspection",)),
        "附表1／服務可近性／專人全程服務": (("shilin-command",), ("shilin-investigation",)),
    },
    new_measure={
        "name": "臨櫃服務線上預約（試辦）",
        "content": "民眾可於分局網站預約臨櫃申辦時段，到所免候位；先於文林、天母派出所試辦。",
        "lead": ("shilin-command",),
        "support": ("shilin-wenlin", "shilin-tianmu"),
    },
    courses={
        "附表2／服務成長及優化／加強宣導": Course(pace=0.62),  # 落後 all year
        "附表2／內部作業簡化／檢討冗事": Course(pace=0.9, ceiling=85),  # 逾期 after 9/30
        "附表2／服務友善／提供友善服務設施": Course(done_by=6),  # 已完成 in June
        "附表2／服務滿意情形／定期進行滿意度調查": Course(done_by=10),  # 已完成 with the second survey
        "附表2／服務便捷／減除申辦案件": Course(behind=(("shilin-shezi", 0.5),)),  # 社子派出所 落後
        "附表2／意見回應處理情形／運用其他機制": Course(silent=("shilin-xishan", 1)),
        "附表2／開放參與／機關網站主動公開": Course(silent=("shilin-xishan", 1)),
        "附表1／服務成長及優化／突破成長": Course(silent=("tcpd-shilin", 2)),  # 待填報
        "附表1／服務成長及優化／優質服務": Course(silent=("tcpd-shilin", 2)),
    },
    lateness={"shilin-xishan": 0.45, "shilin-shezi": 0.2, "tcpd-shilin": 0.15},  # the small remote 溪山派出所 often
    diagnosis_returned="shilin-xishan",
    low_courtesy={(5, "shilin-shezi"): 72, (8, "shilin-shezi"): 89},  # below the pass score, then retested
    proposals=(
        (
            2,
            16,
            "shilin-wenlin",
            "臨櫃叫號結合簡訊通知",
            "洽公民眾須在櫃檯前久候叫號。",
            "叫號系統結合簡訊，輪到前 3 號時通知民眾。",
            [
                (14, "reviewing", ""),
                (32, "adopted", "便民且成本低，自 4 月起於文林派出所試辦。"),
                (130, "implemented", "已於 6 月底完成建置並推廣至各派出所。"),
            ],
        ),
        (
            3,
            10,
            "shilin-tianmu",
            "外籍人士多語報案指引卡",
            "轄內外籍人士多，臨櫃溝通費時。",
            "製作中英日韓四語報案指引卡，置於各所櫃檯。",
            [(10, "reviewing", ""), (36, "adopted", "請外事業務承辦人協助翻譯，第二季完成印製。")],
        ),
        (
            4,
            22,
            "shilin-investigation",
            "被害人案件進度線上查詢",
            "被害人常致電詢問案件進度。",
            "建置線上查詢，輸入案號即可知悉處理進度。",
            [(9, "reviewing", ""), (30, "rejected", "涉及偵查不公開及個人資料保護，另案報請警察局研議。")],
        ),
        (
            6,
            5,
            "shilin-shezi",
            "派出所無障礙坡道改善",
            "所前坡道過陡，輪椅使用者進出不便。",
            "改善坡道坡度並加設扶手。",
            [(12, "reviewing", ""), (40, "adopted", "列入下半年營繕工程辦理。")],
        ),
        (
            8,
            12,
            "shilin-shanzaihou",
            "山區民眾到府服務預約",
            "山區長者往返派出所不便。",
            "以電話預約，由巡邏員警到府受理簡易案件。",
            [(21, "reviewing", "")],
        ),
        (
            10,
            20,
            "shilin-secretariat",
            "公文線上簽核減紙",
            "內部公文仍多以紙本傳遞。",
            "全面改以線上簽核，紙本僅留存必要者。",
            [],
        ),
    ),
    training=(
        (3, 18, "服務禮儀與電話禮貌講習", "林美華", "中華民國禮儀協會講師", True, 2, "shilin-inspection", True),
        (
            5,
            20,
            "臺北市民 e 點通線上申辦操作說明",
            "陳建宏",
            "臺北市政府資訊局股長",
            False,
            2,
            "shilin-secretariat",
            True,
        ),
        (7, 22, "CPR 及 AED 操作訓練", "王志明", "臺北市政府消防局救護技術員", True, 3, "shilin-administration", True),
        (9, 16, "外語報案服務實務", "張雅婷", "警察局外事科警務員", False, 2, "shilin-secretariat", True),
        (
            11,
            18,
            "陳情案件處理與溝通技巧",
            "李國華",
            "國立臺北大學公共行政暨政策學系副教授",
            True,
            2,
            "shilin-inspection",
            True,
        ),
    ),
    training_place="士林分局 4 樓大禮堂",
    sendings=(  # returned in May; the correction (two more files, one taken out) sent after the deadline, accepted
        Sending(built=(5, 18), as_of=(4, 30), sent=(5, 20), decided=(5, 27), chosen=(0, 4), comment=RETURN_COMMENT),
        Sending(built=(6, 2), as_of=(5, 31), sent=(6, 3), decided=(6, 10), chosen=(1, 6)),
    ),
    scoring_group="大型",
    scoring_level=Decimal("0.86"),
)

DATONG = PrecinctYear(
    code="tcpd-datong",
    staff="datong-staff",
    colleague="datong-staff2",
    seed=31,
    follow_up_unit="datong-administration",
    units={"附表1／服務友善／服務設施合宜程度": (("datong-administration",), ())},
    courses={
        "附表2／服務成長及優化／加強宣導": Course(pace=0.7),  # 落後 all year
        "附表2／內部作業簡化／檢討冗事": Course(pace=0.75, ceiling=70),  # 落後, then 逾期 after 9/30
        "附表2／服務友善／提供友善服務設施": Course(done_by=7),  # a month after its deadline
        "附表2／服務滿意情形／定期進行滿意度調查": Course(done_by=10),
        "附表2／服務便捷／減除申辦案件": Course(pace=0.82, behind=(("datong-yanping", 0.55),)),  # 落後, 延平派出所 most
        "附表1／服務成長及優化／突破成長": Course(silent=("tcpd-datong", 1)),  # 待填報
    },
    lateness={"datong-yanping": 0.3, "tcpd-datong": 0.12},
    late_others=0.08,
    returned=0.07,
    with_evidence=0.04,
    diagnosis_returned="datong-yanping",
    low_courtesy={(8, "datong-ningxia"): 76},
    proposals=(
        (
            3,
            14,
            "datong-ningxia",
            "夜市周邊臨時服務站",
            "寧夏夜市人潮多，民眾報案須步行至派出所。",
            "週末夜間於夜市入口設臨時服務站受理報案。",
            [(10, "reviewing", ""), (28, "adopted", "自 5 月起週五、六夜間試辦。")],
        ),
    ),
    training=(
        (4, 15, "服務禮儀與電話禮貌講習", "林美華", "中華民國禮儀協會講師", True, 2, "datong-administration", True),
    ),
    training_place="大同分局 3 樓會議室",
    sendings=(Sending(built=(5, 21), as_of=(4, 30), sent=(5, 22), decided=(5, 29), chosen=(0, 5)),),
    scoring_group="中型",
    scoring_level=Decimal("0.78"),
)

NEIHU = PrecinctYear(
    code="tcpd-neihu",
    staff="neihu-staff",
    colleague="neihu-staff2",
    seed=47,
    follow_up_unit="neihu-inspection",
    units={"附表1／意見回應處理情形／針對民眾意見": (("neihu-inspection",), ())},
    courses={
        "附表2／服務友善／提供友善服務設施": Course(done_by=5),  # 已完成 ahead of its deadline
        "附表2／服務滿意情形／定期進行滿意度調查": Course(done_by=10),
        "附表2／內部作業簡化／檢討冗事": Course(done_by=9),
        "附表2／服務便捷／減除申辦案件": Course(behind=(("neihu-kangning", 0.6),)),  # 康寧派出所 落後
        "附表2／服務成長及優化／加強宣導": Course(silent=("neihu-kangning", 1)),
    },
    lateness={"neihu-kangning": 0.25},
    late_others=0.03,
    returned=0.04,
    with_evidence=0.05,
    diagnosis_returned=None,
    proposals=(
        (
            5,
            6,
            "neihu-xihu",
            "科學園區上班族預約夜間洽公",
            "轄內上班族白天無法到所辦理。",
            "開放週三夜間預約洽公時段。",
            [
                (12, "reviewing", ""),
                (35, "adopted", "自 7 月起於西湖派出所試辦。"),
                (120, "implemented", "試辦成效良好，推廣至各所。"),
            ],
        ),
    ),
    training=(
        (6, 17, "CPR 及 AED 操作訓練", "王志明", "臺北市政府消防局救護技術員", True, 3, "neihu-inspection", True),
    ),
    training_place="內湖分局 5 樓禮堂",
    sendings=(Sending(built=(6, 3), as_of=(5, 31), sent=(6, 4), decided=(6, 12), chosen=(0, 4)),),  # late
    scoring_group="大型",
    scoring_level=Decimal("0.82"),
)

DEMO_PRECINCTS = (SHILIN, DATONG, NEIHU)
