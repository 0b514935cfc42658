#!/usr/bin/env python3
"""Writes the held-out analysis set (../heldout-en.txt, ../heldout-tr.txt) in the gold format of
Sources/Analysis/GoldSet.swift. Every call is `split: check`.

Why a second generator: devset/generate.py's two halves share their call skeletons (the check half
only draws other entries of the same phrase pools), so its check half measures wording, not
templates. This file was written afterwards, before any rule change of that session, with its own
call skeletons (longer calls, the problem told over two turns, questions and answers before the
outcome, mixed endings) and its own phrasing; nothing here is copied from generate.py or from the
analyzer's lexicons. Rules must never be tuned on it: bench-analysis prints its accuracy only, never
its misses (`--misses`/`--show` refuse `split: check` calls).

Labels follow generate.py's conventions (see its LABELS table): churn and sarcasm are negative
calls, a callback promise leaves the call unresolved, an accepted supervisor request is escalated, a
refused one is unresolved with an escalation_request issue, average agents span 2-4.
Output is deterministic (seeded per call id): rerun with
    python3 Tests/Fixtures/analysis/devset/heldout.py
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

EN = {
    "brand": {"telecom": "Meridian Mobile", "bank": "Harrow & Pike Bank", "ecommerce": "Basketly", "airline": "Coastline Airways",
              "insurance": "Bluestone Insurance", "utilities": "Ember Energy"},
    "names": ["Rachel", "Callum", "Aisha", "Ben", "Fatima", "Jonah", "Mei", "Patrick"],
    # (opening part, detail part, agent question, customer answer, fix said by the agent, not-fixed line)
    "problems": {
        "telecom": [
            ("Hiya, so it's about my phone line.", "Since the weekend I can't make any calls, they just go straight to a beep.",
             "Are you getting the beep on every number or just some?", "Every number, even my mum's.",
             "Right, there was a barring flag on your number from a payment glitch. I've removed it and your calls should connect now.",
             "I can see the barring flag but I'm not able to take it off from this screen."),
            ("Hello, I'm ringing about my home wifi.", "It's been crawling for about a fortnight, pages take a minute to load.",
             "Is it slow on every device in the house?", "Yes, laptop, phone, the telly, all of them.",
             "I found a fault on the cabinet port your line uses, I've moved you to a new port and the speed test from here shows full speed.",
             "The line test comes back clean on my side, so I can't see what's slowing it down."),
        ],
        "bank": [
            ("Good morning, I need some help with my account.", "There's a payment of three hundred and twenty pounds to a shop I've never heard of.",
             "Did you share your card details with anyone recently?", "No, never, the card's been in my wallet all week.",
             "I've cancelled that card, marked the payment as fraud and the three hundred and twenty is back in your account as of now.",
             "I can flag it but the dispute team has to decide on the money, I can't put it back myself."),
            ("Hi there, it's about my mortgage payment.", "The direct debit went out twice this month and now I'm overdrawn.",
             "Which dates did the two payments leave your account?", "The first and the second of the month.",
             "I've refunded the duplicate payment and removed the overdraft charge, your balance is back to where it was.",
             "I can see both payments but I'm not able to reverse either of them from here."),
        ],
        "ecommerce": [
            ("Hi, I'm calling about an order.", "I ordered a kettle ten days ago and the tracking hasn't moved since it left the warehouse.",
             "Do you have the order number handy?", "Yes, it's B K seven seven four one.",
             "The parcel was stuck at a closed depot. I've sent a replacement by next-day courier and it's already been picked up.",
             "The courier hasn't scanned it anywhere since then, so I really can't say where it is."),
            ("Hello, I have a problem with a return.", "I sent back a jacket three weeks ago and I still haven't seen the money.",
             "Did you get a drop-off receipt when you sent it?", "I did, I've got it right here.",
             "The warehouse had it logged against the wrong order. I've processed the refund now, it's forty-five pounds back on your card.",
             "The warehouse hasn't confirmed they've got it, so the refund can't go through yet."),
        ],
        "airline": [
            ("Hi, I'm calling about my flight next week.", "You've moved my departure by six hours and now I'll miss my connection.",
             "Can I take the booking reference?", "It's Q W four nine T R.",
             "I've put you on the earlier flight, same seat type, and the connection works again. You'll get a new boarding pass by email.",
             "All the earlier flights are full, so there isn't anything I can move you to at the moment."),
            ("Hello, it's about my luggage.", "I landed yesterday and my suitcase never came out on the belt.",
             "Did you file a report at the airport?", "Yes, I've got the reference from the desk.",
             "Your bag has been found in Amsterdam, it's on this evening's flight and a courier will bring it to your door.",
             "The bag isn't showing on any system yet, it hasn't been located."),
        ],
        "insurance": [
            ("Morning, it's about my car insurance.", "My renewal has come through almost double what I paid last year, and I haven't claimed.",
             "Has anything changed, address or car or drivers?", "Nothing at all, same car, same house.",
             "There was a wrong postcode on the renewal. I've corrected it and the premium is back to last year's amount.",
             "The price is set by the pricing system and I can't override it."),
            ("Hi, I'm chasing a claim.", "My kitchen flooded a month ago and nobody has come out to look at it.",
             "Have you had a claim number from us?", "Yes, it ends in eight eight two.",
             "I've booked the assessor for you, and I've approved the emergency drying costs on the claim.",
             "The claim is still waiting in the assessor queue and I can't move it up."),
        ],
        "utilities": [
            ("Hello, I'm calling about my gas bill.", "It's gone up to two hundred a month and the house has been empty half the time.",
             "Is the bill based on a meter reading or an estimate?", "It says estimated at the top.",
             "I've put your actual reading on the account and rebilled you, the new bill is eighty pounds lower.",
             "The estimate can't be changed until the meter reader has visited."),
            ("Hi, it's about my electricity.", "I moved in two weeks ago and I'm being billed for the previous tenant's debt.",
             "What date did you get the keys?", "The third of last month.",
             "I've split the account at your move-in date and the old debt has been taken off your bill.",
             "I have to send it to the debt team, they'll have to look at the tenancy dates."),
        ],
    },
    "open_good": ["Thanks for calling {brand}, you're through to {name}, what can I do for you?",
                  "Hi, {brand}, my name's {name}. How can I help today?"],
    "open_plain": ["{brand}.", "{brand}, go ahead."],
    "empathy": ["Oh, that sounds really stressful, I'm sorry you've had to deal with that.",
                "I completely understand, that's not acceptable and I'm sorry.",
                "I'm so sorry, let's get to the bottom of it together."],
    "ack_plain": ["Okay.", "Right, one sec.", "Fine, let me look."],
    "dismiss": ["Look, that's just how it works, there's nothing I can do about it.",
                "That's not really my problem, you'd have to take it up with someone else.",
                "Yeah, well, everyone's got that issue, it is what it is."],
    "verify_q": ["Before I look, can you confirm your date of birth and the first line of your address?"],
    "verify_a": ["Twelfth of March, eighty-one, and it's fourteen Elm Road."],
    "verify_ok": ["Lovely, you're verified, thank you."],
    "happy_end": ["Oh, that's a massive relief, thank you so much.",
                  "Wow, okay, you've been brilliant, really appreciate it.",
                  "Perfect, that's exactly what I needed, thanks."],
    "wrap_q": ["Is there anything else at all I can help with?"],
    "wrap_no": ["No, that's it, cheers.", "Nope, you've sorted everything."],
    "bye_good": ["Thanks for your time today, take care and have a good evening.", "Thank you for calling {brand}, bye now."],
    "bye_plain": ["Bye.", "Okay, thanks, bye."],
    "negated": ["Honestly, this hasn't been helpful at all.",
                "I can't say I'm pleased with any of this.",
                "Well that's not good enough, not remotely."],
    "negated_end": ["I'm not happy, I won't pretend I am.", "It wasn't a great experience, let's leave it there."],
    "sarcasm": ["Oh fantastic, so I just sit here and wait forever then, wonderful service.",
                "Brilliant, absolutely brilliant, another week of nothing. Love it.",
                "Great, just great. Ten days and you still can't tell me anything. Superb."],
    "sarcasm_end": ["Yeah, whatever, I'll try again next week I suppose.", "Fine. Really impressed, as you can tell."],
    "ticket": ["What I can do is raise a case for the specialist team to look at.", "I'll log it and someone will review it."],
    "callback": ["I'll get the {team} team to give you a ring back by Friday afternoon with an answer.",
                 "Our {team} team will phone you within two working days to confirm it all."],
    "callback_ok": ["Alright, I'll keep an eye on my phone then.", "Okay, as long as they actually ring."],
    "teams": ["specialist", "billing", "resolutions"],
    "transfer_a": ["This needs to go to our {team} department, so I'm going to put you through to them now."],
    "transfer_b": ["You'll hear some music for a moment while I connect you, please don't hang up."],
    "transfer_ok": ["Okay, thanks."],
    "anger": ["This is absolutely ridiculous. I'm furious, I've wasted my whole morning on this.",
              "You people are useless, I am so angry right now."],
    "esc_ask": ["Put me through to your supervisor. Now, please.", "I want to speak to a manager about this."],
    "esc_yes": ["Of course, I'll get my team leader on the line for you, one moment while I bring them in."],
    "esc_no": ["I'm afraid there isn't a supervisor I can pass you to, but I can take a complaint myself.",
               "No, sorry, I'm not going to transfer you to a manager for this."],
    "esc_no_end": ["Unbelievable. Absolutely unbelievable.", "That's disgraceful, honestly."],
    "reask": ["Can I get your account number to start with?", "Could you give me the reference again, please?"],
    "repeat": ["As I already told your colleague yesterday, the reference is the same one, I've been through all this before.",
               "I've given all this to the last person I spoke to, why do I have to repeat it every single time?"],
    "repeat_end": ["It's exhausting, this is the third time I've called about it.", "I shouldn't have to keep chasing this."],
    "churn_named": ["If this isn't fixed today I'm leaving for {comp}, they've offered me a better deal anyway."],
    "churn_unnamed": ["Honestly I'm thinking of moving to another provider, I've had enough.",
                      "I'll be taking my business somewhere else if this carries on."],
    "retention": ["I'd hate to lose you, I could offer you a discount for the next six months."],
    "retention_no": ["No thanks, a discount won't fix this.", "I'm not interested in offers, I just want it working."],
    "anxious": ["I'm really worried, I've got rent due on Monday and I don't know if the money will be there.",
                "I'm panicking a bit to be honest, I'm scared this is going to cost me a fortune."],
    "anxious_end": ["Okay, but I'm still nervous about it until I see it sorted.", "I'll try not to worry, but I'm not going to sleep well."],
    "info_q": {"telecom": ("Quick question, do I need a new SIM if I upgrade my handset?", "No, your current SIM will work in the new handset."),
               "bank": ("Can I set up a standing order in the app or do I need to come in?", "You can do it in the app, under payments, then standing orders."),
               "ecommerce": ("What's the cut-off for next-day delivery?", "Orders placed before eight p.m. go out the next day."),
               "airline": ("How much hand luggage am I allowed on a basic fare?", "One small bag that fits under the seat in front."),
               "insurance": ("Does my policy cover a courtesy car?", "Yes, a courtesy car is included while yours is in the garage."),
               "utilities": ("When does my fixed tariff end?", "Your fixed tariff runs until the end of September.")},
    "info_ok": ["Ah right, good to know, ta.", "Okay, understood."],
    "confused_q": ["Sorry, I don't follow. Which one do I pick then? I'm lost."],
    "explain": ["It's the second option on the list, the one that says standard."],
    "confused_end": ["Hmm, I'm still not sure I get it, but okay, I'll have a look."],
    "hold_ask": ["Would you mind if I pop you on hold for a minute while I check something?"],
    "hold_back": ["Thanks so much for waiting."],
    "comp": {"telecom": ("Vodafone", "vodafone"), "bank": ("Ridgeway Bank", None), "ecommerce": ("MegaMart", None),
             "airline": ("BlueJet", None), "insurance": ("Atlas Cover", None), "utilities": ("GreenVolt", None)},
    "asr": {"account": "a count", "reference": "referents", "supervisor": "super visor", "the": "the the", "wait": "weight"},
    "fillers": ["um", "uh", "like", "you know"],
}

TR = {
    "brand": {"telecom": "Atlas Mobil", "bank": "Yıldız Bankası", "ecommerce": "Sepetim", "airline": "Martı Havayolları",
              "insurance": "Güvence Sigorta", "utilities": "Işık Enerji"},
    "names": ["Zeynep", "Emre", "Selin", "Kerem", "Aylin", "Murat", "Deniz", "Hakan"],
    "problems": {
        "telecom": [
            ("Merhaba, hattımla ilgili arıyorum.", "Cumartesiden beri hiçbir numarayı arayamıyorum, direkt kapanıyor.",
             "Her numarada mı oluyor, yoksa bazılarında mı?", "Her numarada, annemi bile arayamıyorum.",
             "Ödeme hatası yüzünden hattınıza bir kısıtlama konmuş. Kısıtlamayı kaldırdım, artık arama yapabilirsiniz.",
             "Kısıtlamayı görüyorum ama bu ekrandan kaldırma yetkim yok."),
            ("İyi günler, evdeki internet için arıyorum.", "İki haftadır çok yavaş, bir sayfanın açılması bir dakika sürüyor.",
             "Evdeki bütün cihazlarda mı yavaş?", "Evet, bilgisayar, telefon, televizyon, hepsinde.",
             "Hattınızın bağlı olduğu portta arıza bulundu, sizi yeni bir porta aldım, buradan yaptığım testte hız tam görünüyor.",
             "Benim tarafımda hat testi temiz çıkıyor, yavaşlığın sebebini göremiyorum."),
        ],
        "bank": [
            ("Günaydın, hesabımla ilgili yardıma ihtiyacım var.", "Hiç duymadığım bir mağazadan üç yüz yirmi liralık bir harcama var.",
             "Kart bilgilerinizi yakın zamanda biriyle paylaştınız mı?", "Hayır, kart bütün hafta cüzdanımdaydı.",
             "Kartınızı iptal ettim, harcamayı dolandırıcılık olarak işaretledim ve üç yüz yirmi lira şu an hesabınıza geri yatırıldı.",
             "İşaretleyebilirim ama para konusunda itiraz birimi karar veriyor, ben geri yatıramıyorum."),
            ("Merhaba, kredi taksitim hakkında arıyorum.", "Bu ay otomatik ödeme iki kere çekilmiş, hesabım eksiye düştü.",
             "İki ödeme hangi tarihlerde çekildi?", "Ayın biri ve ikisinde.",
             "Mükerrer ödemeyi iade ettim, ek hesap faizini de sildim, bakiyeniz eski haline döndü.",
             "İki ödemeyi de görüyorum ama buradan hiçbirini geri alamıyorum."),
        ],
        "ecommerce": [
            ("Merhaba, bir siparişim hakkında arıyorum.", "On gün önce bir su ısıtıcısı sipariş ettim, kargo takibi depodan çıktığından beri hiç değişmedi.",
             "Sipariş numaranız yanınızda mı?", "Evet, SP yedi yedi dört bir.",
             "Kargo kapalı bir aktarma merkezinde kalmış. Yerine yenisini ertesi gün teslim kargoyla gönderdim, kurye paketi teslim aldı bile.",
             "Kargo o tarihten sonra hiçbir yerde okutulmamış, nerede olduğunu gerçekten söyleyemiyorum."),
            ("İyi günler, bir iade ile ilgili sorunum var.", "Üç hafta önce bir mont iade ettim, paramı hâlâ göremedim.",
             "Gönderirken bir teslim fişi aldınız mı?", "Aldım, şu an elimde.",
             "Depo iadenizi yanlış siparişe kaydetmiş. İadenizi şimdi gerçekleştirdim, kırk beş lira kartınıza geri yüklendi.",
             "Depo ürünü aldığını henüz onaylamadı, o yüzden iade şu an yapılamıyor."),
        ],
        "airline": [
            ("Merhaba, gelecek haftaki uçuşum için arıyorum.", "Kalkış saatimi altı saat kaydırmışsınız, aktarmamı kaçıracağım.",
             "Rezervasyon kodunuzu alabilir miyim?", "KW dört dokuz TR.",
             "Sizi daha erken uçuşa aldım, aynı koltuk tipi, aktarmanız yine tutuyor. Yeni biniş kartınız e-postanıza gelecek.",
             "Daha erken uçuşların hepsi dolu, şu an sizi alabileceğim bir uçuş yok."),
            ("Merhaba, bagajım için arıyorum.", "Dün indim, valizim banttan hiç çıkmadı.",
             "Havalimanında kayıp bagaj tutanağı tuttunuz mu?", "Evet, masadan aldığım numara var.",
             "Valiziniz Amsterdam'da bulunmuş, bu akşamki uçuşla geliyor, kurye kapınıza kadar getirecek.",
             "Bagaj henüz hiçbir sistemde görünmüyor, yeri tespit edilemedi."),
        ],
        "insurance": [
            ("Günaydın, kasko poliçem hakkında arıyorum.", "Yenileme teklifi geçen yıl ödediğimin neredeyse iki katı gelmiş, hiç hasar da yapmadım.",
             "Adres, araç ya da sürücü değişti mi?", "Hiçbir şey değişmedi, aynı araba, aynı ev.",
             "Yenilemede posta kodu yanlış girilmiş. Düzelttim, prim geçen yılki tutara döndü.",
             "Fiyatı fiyatlama sistemi belirliyor, ben değiştiremiyorum."),
            ("Merhaba, bir hasar dosyasını takip ediyorum.", "Bir ay önce mutfağımı su bastı, hâlâ kimse gelip bakmadı.",
             "Size bir dosya numarası verildi mi?", "Evet, sonu sekiz sekiz iki.",
             "Eksperinizin randevusunu ayarladım, acil kurutma masraflarını da dosyanızda onayladım.",
             "Dosya hâlâ eksper sırasında bekliyor, öne alamıyorum."),
        ],
        "utilities": [
            ("Merhaba, doğalgaz faturam için arıyorum.", "Aylık iki yüz liraya çıktı, ev ayın yarısı boştu.",
             "Fatura sayaç okumasına mı dayanıyor, yoksa tahmini mi?", "En üstte tahmini yazıyor.",
             "Gerçek sayaç değerinizi hesaba girdim ve faturanızı yeniden hesapladım, yeni fatura seksen lira daha düşük.",
             "Sayaç okuma görevlisi gelmeden tahmini değer değiştirilemiyor."),
            ("İyi günler, elektrik aboneliğimle ilgili arıyorum.", "İki hafta önce taşındım, önceki kiracının borcu bana faturalanıyor.",
             "Anahtarı hangi tarihte teslim aldınız?", "Geçen ayın üçünde.",
             "Aboneliği taşınma tarihinizden ayırdım, eski borç faturanızdan düşüldü.",
             "Bunu borç birimine göndermem lazım, kira tarihlerine onlar bakacak."),
        ],
    },
    "open_good": ["{brand} müşteri hizmetlerine hoş geldiniz, ben {name}, size nasıl yardımcı olabilirim?",
                  "{brand}, ben {name}, buyurun, nasıl yardımcı olayım?"],
    "open_plain": ["{brand}.", "{brand}, buyurun."],
    "empathy": ["Çok üzüldüm, bunu yaşamanız hiç hoş değil, gerçekten özür dilerim.",
                "Sizi çok iyi anlıyorum, haklısınız, kusura bakmayın.",
                "Çok özür dilerim, hemen birlikte çözelim."],
    "ack_plain": ["Tamam.", "Peki, bir saniye.", "Bakıyorum."],
    "dismiss": ["Sistem böyle çalışıyor, yapabileceğim bir şey yok.",
                "Bu benim sorunum değil, başka yere başvurun.",
                "Herkes aynı şeyi yaşıyor, yapacak bir şey yok."],
    "verify_q": ["Bakmadan önce doğum tarihinizi ve kimlik numaranızın son dört hanesini alabilir miyim?"],
    "verify_a": ["On iki mart seksen bir, son dört hane beş altı yedi sekiz."],
    "verify_ok": ["Teşekkürler, kimliğiniz doğrulandı."],
    "happy_end": ["Çok rahatladım, çok teşekkür ederim.",
                  "Harikasınız, gerçekten çok sağ olun.",
                  "Tam istediğim buydu, teşekkürler."],
    "wrap_q": ["Başka yardımcı olabileceğim bir konu var mı?"],
    "wrap_no": ["Yok, bu kadardı, sağ olun.", "Hayır, her şeyi hallettiniz."],
    "bye_good": ["Aradığınız için teşekkür ederim, iyi akşamlar dilerim.", "Bizi tercih ettiğiniz için teşekkürler, iyi günler."],
    "bye_plain": ["İyi günler.", "Tamam, görüşürüz."],
    "negated": ["Açıkçası bu görüşme hiç yardımcı olmadı.",
                "Memnun kaldım diyemem, hiçbir şey çözülmedi.",
                "Bu yeterli değil, kesinlikle değil."],
    "negated_end": ["Memnun değilim, öyleymiş gibi yapmayacağım.", "Pek iyi bir deneyim olmadı, burada bırakalım."],
    "sarcasm": ["Ne güzel, demek ben sonsuza kadar bekleyeceğim, harika hizmet.",
                "Süper, gerçekten süper, bir hafta daha hiçbir şey. Bayıldım.",
                "Mükemmel, on gündür hâlâ bir şey söyleyemiyorsunuz. Harikasınız."],
    "sarcasm_end": ["Neyse, gelecek hafta yine ararım herhalde.", "Peki. Çok etkilendim, belli oluyor herhalde."],
    "ticket": ["Yapabileceğim şey uzman ekibe bir kayıt açmak.", "Kaydı oluşturuyorum, birisi inceleyecek."],
    "callback": ["{team} ekibimiz cuma öğleden sonraya kadar sizi geri arayıp bilgi verecek.",
                 "{team} ekibimiz iki iş günü içinde sizi arayacak ve her şeyi teyit edecek."],
    "callback_ok": ["Peki, telefonumu takip ederim o zaman.", "Tamam, yeter ki gerçekten arasınlar."],
    "teams": ["Uzman", "Fatura", "Çözüm"],
    "transfer_a": ["Bu konu {team} birimimizin, sizi şimdi onlara aktarıyorum."],
    "transfer_b": ["Bağlarken kısa bir müzik duyacaksınız, lütfen kapatmayın."],
    "transfer_ok": ["Tamam, teşekkürler."],
    "anger": ["Bu tamamen saçmalık. Çok sinirliyim, bütün sabahımı bununla harcadım.",
              "Hiçbir işe yaramıyorsunuz, şu an gerçekten çok öfkeliyim."],
    "esc_ask": ["Beni hemen yöneticinize bağlayın lütfen.", "Bu konuyu bir müdürle konuşmak istiyorum."],
    "esc_yes": ["Tabii, takım liderimi hemen hatta alıyorum, bir dakika bekleyin."],
    "esc_no": ["Maalesef sizi aktarabileceğim bir yönetici yok, ama şikayetinizi ben alabilirim.",
               "Hayır, bu konu için sizi yöneticiye aktarmayacağım."],
    "esc_no_end": ["İnanılmaz. Gerçekten inanılmaz.", "Bu tam bir rezalet."],
    "reask": ["Önce müşteri numaranızı alabilir miyim?", "Referans numarasını tekrar söyler misiniz?"],
    "repeat": ["Dün arkadaşınıza zaten söyledim, numara aynı, bunları daha önce de anlattım.",
               "Bunların hepsini bir önceki görüştüğüm kişiye verdim, neden her seferinde baştan anlatıyorum?"],
    "repeat_end": ["Yoruldum artık, bu konuda üçüncü kez arıyorum.", "Bunun peşinden sürekli koşmak zorunda olmamalıyım."],
    "churn_named": ["Bugün çözülmezse {comp} tarafına geçiyorum, zaten daha iyi bir teklif verdiler."],
    "churn_unnamed": ["Açıkçası başka bir şirkete geçmeyi düşünüyorum, bıktım.",
                      "Böyle devam ederse aboneliğimi iptal edip başka yere gideceğim."],
    "retention": ["Sizi kaybetmek istemeyiz, önümüzdeki altı ay için indirim tanımlayabilirim."],
    "retention_no": ["Hayır teşekkürler, indirim bu sorunu çözmez.", "Kampanya istemiyorum, sadece çalışsın istiyorum."],
    "anxious": ["Çok endişeliyim, pazartesi kira ödemem var ve para yetişecek mi bilmiyorum.",
                "Açıkçası biraz panik oldum, bunun bana çok pahalıya patlamasından korkuyorum."],
    "anxious_end": ["Tamam ama çözüldüğünü görene kadar içim rahat etmeyecek.", "Endişelenmemeye çalışacağım ama bu gece uyuyamam."],
    "info_q": {"telecom": ("Bir sorum var, telefonumu yenilersem yeni SIM karta ihtiyacım olur mu?", "Hayır, mevcut SIM kartınız yeni cihazda çalışır."),
               "bank": ("Düzenli ödeme talimatını uygulamadan verebilir miyim, şubeye mi gelmem lazım?", "Uygulamadan verebilirsiniz, ödemeler menüsünde düzenli ödemeler var."),
               "ecommerce": ("Ertesi gün teslimat için son sipariş saati kaç?", "Akşam sekizden önce verilen siparişler ertesi gün çıkıyor."),
               "airline": ("Ekonomik bilette kabin bagajı hakkım ne kadar?", "Önündeki koltuğun altına sığan bir küçük çanta."),
               "insurance": ("Poliçem ikame araç kapsıyor mu?", "Evet, aracınız serviste olduğu sürece ikame araç dahil."),
               "utilities": ("Sabit tarifem ne zaman bitiyor?", "Sabit tarifeniz eylül sonuna kadar geçerli.")},
    "info_ok": ["Hı, anladım, sağ olun.", "Peki, tamamdır."],
    "confused_q": ["Pardon, anlayamadım. Hangisini seçeceğim o zaman? Kafam karıştı."],
    "explain": ["Listedeki ikinci seçenek, standart yazan."],
    "confused_end": ["Hmm, hâlâ tam anlamadım ama tamam, bir bakarım."],
    "hold_ask": ["Bir şeyi kontrol ederken sizi kısa bir süre bekletebilir miyim?"],
    "hold_back": ["Beklediğiniz için çok teşekkür ederim."],
    "comp": {"telecom": ("Turkcell", "turkcell"), "bank": ("Doğu Bank", None), "ecommerce": ("Çarşı", None),
             "airline": ("Kartal Air", None), "insurance": ("Kalkan Sigorta", None), "utilities": ("Yeşil Enerji", None)},
    "asr": {"fatura": "fatüra", "yönetici": "yöne tici", "numara": "numarayı", "teşekkür": "teşekür", "şimdi": "şimdi şimdi"},
    "fillers": ["ıı", "şey", "yani", "hani"],
}

# Scenario → (sentiment, emotion, issues, repeated or None, status).
LABELS = {
    "fixed": ("positive", "satisfied", [], "0", "resolved"),
    "hold_fixed": ("positive", "satisfied", ["long_hold"], "0", "resolved"),
    "info": ("neutral", "calm", [], "0", "resolved"),
    "negated": ("negative", "disappointed", [], None, "unresolved"),
    "sarcasm": ("negative", "frustrated", [], None, "unresolved"),
    "callback": ("neutral", "calm", ["callback_promised"], "0", "unresolved"),
    "transfer": ("neutral", "calm", ["transfer"], "0", "transferred"),
    "escalated": ("negative", "angry", ["escalation_request"], None, "escalated"),
    "esc_refused": ("negative", "angry", ["escalation_request"], None, "unresolved"),
    "repeat": ("negative", "frustrated", ["customer_repeats_information"], "1", "unresolved"),
    "churn_named": ("negative", "disappointed", ["churn_intent"], None, "unresolved"),
    "churn_unnamed": ("negative", "disappointed", ["churn_intent"], None, "unresolved"),
    "anxious": ("negative", "anxious", [], None, "unresolved"),
    "confused": ("neutral", "confused", [], "0", "unresolved"),
}
SCENARIOS = list(LABELS.keys())
DOMAINS = ["telecom", "bank", "ecommerce", "airline", "insurance", "utilities"]
AGENT_RANGE = {"excellent": "4-5", "average": "2-4", "dismissive": "1-2"}


def build_call(lang, n, scenario, domain, quality, mono, noisy):
    P = EN if lang == "en" else TR
    tags = [scenario, domain, quality] + (["mono"] if mono else []) + (["asr"] if noisy else [])
    call_id = f"h{lang}-{n:03d}-" + "-".join(tags)
    rng = random.Random(call_id)
    pick = rng.choice
    brand, name, team = P["brand"][domain], pick(P["names"]), pick(P["teams"])
    opening, detail, question, answer, fix, notfix = pick(P["problems"][domain])
    comp, comp_id = P["comp"][domain]
    fmt = lambda s: s.format(brand=brand, name=name, team=team, comp=comp)
    sentiment, emotion, issues, repeated, status = LABELS[scenario]
    issues, mentions, turns = list(issues), [], []

    def A(text, **kw): turns.append(("A", fmt(text), kw))
    def C(text, **kw): turns.append(("C", fmt(text), kw))

    def react():
        A(pick(P["empathy"]) if quality == "excellent" else pick(P["ack_plain"]) if quality == "average" else pick(P["dismiss"]))

    def explore():
        # Verification (any domain, often) then one question and its answer.
        if quality != "dismissive" and rng.random() < 0.6:
            A(pick(P["verify_q"])); C(pick(P["verify_a"])); A(pick(P["verify_ok"]))
        A(question); C(answer)

    def goodbye(happy):
        if quality == "excellent":
            A(pick(P["wrap_q"])); C(pick(P["wrap_no"]) if happy else pick(P["info_ok"])); A(pick(P["bye_good"]))
        elif quality == "average":
            A(pick(P["bye_plain"]))

    A(pick(P["open_good"]) if quality == "excellent" else pick(P["open_plain"]))
    if scenario in ("info", "confused"):
        q, a = P["info_q"][domain]
        C(q)
        A(a)
        if scenario == "info":
            C(pick(P["info_ok"])); goodbye(True)
        else:
            C(pick(P["confused_q"])); A(pick(P["explain"])); C(pick(P["confused_end"]))
            if quality == "excellent": A(pick(P["bye_good"]))
    else:
        C(opening); C(detail)
        if scenario == "repeat":
            A(pick(P["reask"])); C(pick(P["repeat"]))
            if quality == "excellent": A(pick(P["empathy"]))
            A(question); C(answer); A(pick(P["ticket"])); C(pick(P["repeat_end"]))
            if quality != "dismissive": A(pick(P["bye_plain"]))
        else:
            react(); explore()
            if scenario == "fixed":
                A(fix); C(pick(P["happy_end"])); goodbye(True)
            elif scenario == "hold_fixed":
                A(pick(P["hold_ask"])); C(pick(P["transfer_ok"]))
                A(pick(P["hold_back"]) + " " + fix, gap=rng.randint(80, 170)); C(pick(P["happy_end"])); goodbye(True)
            elif scenario == "negated":
                A(notfix); C(pick(P["negated"])); A(pick(P["ticket"]) if quality != "dismissive" else pick(P["dismiss"]))
                C(pick(P["negated_end"]))
                if quality != "dismissive": A(pick(P["bye_plain"]))
            elif scenario == "sarcasm":
                A(notfix); C(pick(P["sarcasm"])); A(pick(P["ticket"]) if quality != "dismissive" else pick(P["dismiss"]))
                C(pick(P["sarcasm_end"]))
            elif scenario == "callback":
                A(notfix); A(pick(P["callback"])); C(pick(P["callback_ok"])); goodbye(False)
            elif scenario == "transfer":
                A(pick(P["transfer_a"])); C(pick(P["transfer_ok"])); A(pick(P["transfer_b"]))
            elif scenario == "escalated":
                A(notfix); C(pick(P["anger"])); C(pick(P["esc_ask"])); A(pick(P["esc_yes"]))
            elif scenario == "esc_refused":
                A(notfix); C(pick(P["anger"])); C(pick(P["esc_ask"])); A(pick(P["esc_no"])); C(pick(P["esc_no_end"]))
            elif scenario in ("churn_named", "churn_unnamed"):
                A(notfix)
                if scenario == "churn_named":
                    C(pick(P["churn_named"]))
                    if comp_id: mentions.append(comp_id)
                else:
                    C(pick(P["churn_unnamed"]))
                A(pick(P["retention"])); C(pick(P["retention_no"]))
                if quality != "dismissive": A(pick(P["bye_plain"]))
            elif scenario == "anxious":
                C(pick(P["anxious"])); A(pick(P["ticket"])); C(pick(P["anxious_end"]))
                if quality == "excellent": A(pick(P["bye_good"]))

    # Dismissive agents on stereo calls cut the customer off three times.
    if quality == "dismissive" and not mono and rng.random() < 0.5:
        k = 0
        for i in range(1, len(turns)):
            if turns[i][0] == "A" and turns[i - 1][0] == "C" and k < 3:
                turns[i][2]["interrupt"] = True; k += 1
        if k == 3: issues.append("excessive_interruptions")

    def noise(text):
        if not noisy: return text
        for a, b in P["asr"].items():
            if a in text and rng.random() < 0.5: text = text.replace(a, b, 1)
        words = text.split()
        if len(words) > 5 and rng.random() < 0.5: words.insert(rng.randrange(1, len(words)), pick(P["fillers"]))
        text = " ".join(words)
        text = "".join(ch for ch in text if ch not in ",.!?;:")
        return text.lower() if lang == "en" else text.replace("I", "ı").replace("İ", "i").lower()

    out = [f"=== {call_id}", f"lang: {lang}", "split: check", f"sentiment: {sentiment}", f"emotion: {emotion}",
           "issues: " + (", ".join(sorted(set(issues))) if issues else "none")]
    if repeated is not None: out.append(f"repeated: {repeated}")
    out.append("mentions: " + (", ".join(sorted(mentions)) if mentions else "none"))
    out.append("agent: " + AGENT_RANGE[quality])  # mono too: roles are inferred from the text (SpeakerRoles)
    out.append(f"status: {status}")
    prev_end = 0.0
    for role, text, kw in turns:
        text = noise(text)
        dur = round(max(1.2, len(text.split()) * 0.36), 1)
        start = round(prev_end + kw.get("gap", rng.choice([0.2, 0.4, 0.5, 0.7, 0.9])), 1)
        if kw.get("interrupt"): start = round(prev_end - 1.0, 1)
        end = round(start + dur, 1)
        out.append(f"{'U' if mono else role} {start:g} {end:g} | {text}")
        prev_end = max(prev_end, end)
    return "\n".join(out)


def allowed_quality(scenario):
    if scenario in ("fixed", "hold_fixed", "transfer", "callback", "info", "confused"): return ["excellent", "average"]
    if scenario == "esc_refused": return ["average", "dismissive"]
    return ["excellent", "average", "dismissive"]


def generate(lang, count):
    rng = random.Random(f"heldout-{lang}")
    calls = []
    for n in range(count):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        domain = DOMAINS[(n // len(SCENARIOS) + n) % len(DOMAINS)]
        quality = rng.choice(allowed_quality(scenario))
        mono = rng.random() < 0.2
        noisy = rng.random() < 0.25
        calls.append(build_call(lang, n + 1, scenario, domain, quality, mono, noisy))
    return calls


if __name__ == "__main__":
    for lang, count in (("en", 126), ("tr", 98)):
        calls = generate(lang, count)
        head = (f"# Held-out analysis set ({lang}), generated by devset/heldout.py — do not edit by hand.\n"
                f"# {len(calls)} calls, all `split: check`: own call skeletons and phrasing, never tuned on.\n")
        with open(os.path.join(HERE, "..", f"heldout-{lang}.txt"), "w", encoding="utf-8") as f:
            f.write(head + "\n" + "\n\n".join(calls) + "\n")
