#!/usr/bin/env python3
"""Writes the analysis development set (../dev-en.txt, ../dev-tr.txt) in the gold format of
Sources/Analysis/GoldSet.swift.

Why a generator: a few hundred labelled calls cannot be typed by hand in one session, and labels
written next to the scenario that produced the words stay consistent. Every phrase below was written
for this file (not taken from the analyzer's lexicons).

Split: a call is in the tuning half when the first byte of SHA-256(call id) is even, else in the
check half (written as `split:` in each call). The phrase pools are split too: the tuning half only
draws pool entries 0, 2, 4…, the check half entries 1, 3, 5…, so check calls use wordings that the
rules were never tuned on. Output is deterministic (seeded per call id): rerun with
    python3 Tests/Fixtures/analysis/devset/generate.py
"""
import hashlib
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def half_of(call_id):
    return "tune" if hashlib.sha256(call_id.encode()).digest()[0] % 2 == 0 else "check"


class Picker:
    def __init__(self, rng, half):
        self.rng, self.h = rng, (0 if half == "tune" else 1)

    def __call__(self, pool):
        sub = pool[self.h::2] if len(pool) >= 2 else pool
        return self.rng.choice(sub)


# --------------------------------------------------------------------------------------------
# English pools
# --------------------------------------------------------------------------------------------
EN = {}
EN["brand"] = {"telecom": "Nova Telecom", "bank": "Northgate Bank", "ecommerce": "ShopRiver", "airline": "Skylark Air",
               "insurance": "Harbor Insurance", "utilities": "CityPower"}
EN["names"] = ["Sarah", "Daniel", "Priya", "Marcus", "Leila", "Tom", "Grace", "Ivan", "Nadia", "Owen"]
EN["problems"] = {
    "telecom": [
        ("My broadband keeps cutting out every evening since Monday.", "the broadband still cuts out every evening",
         "I've reset your line from our end and the connection looks stable now.", "ran a line test", "broadband dropping out"),
        ("I've got no mobile signal at home for three days now.", "there's still no signal in my flat",
         "I've re-registered your SIM on the network, you should have bars again.", "checked the mast in your area", "no mobile signal"),
        ("My bill this month is forty pounds higher than usual and I haven't changed anything.", "the bill is forty pounds over what it normally is",
         "I've taken the roaming charge off, the bill is back to the normal amount.", "went through the itemised bill", "a higher bill"),
        ("The TV box says no service since the update last night.", "the box still shows no service",
         "I've pushed a fresh activation to your box and the channels are back.", "sent a refresh signal", "TV box without service"),
    ],
    "bank": [
        ("My card was declined at the supermarket even though there's money in the account.", "the card keeps getting declined",
         "I've lifted the block the fraud system put on your card, it'll work now.", "checked the card status", "a declined card"),
        ("A transfer I sent on Friday still hasn't reached my landlord.", "the Friday transfer still hasn't arrived",
         "I've released the transfer from the review queue, it arrives within the hour.", "traced the payment", "a missing transfer"),
        ("There's a fee on my statement I don't recognise, twelve ninety nine.", "that twelve ninety nine fee is still there",
         "I've reversed the fee, you'll see the credit tomorrow.", "looked at the fee history", "an unknown fee"),
        ("I can't log into the banking app, it keeps saying my details are wrong.", "the app still won't let me log in",
         "I've reset your online access, you can log in with the new code now.", "checked the login attempts", "app login failing"),
    ],
    "ecommerce": [
        ("My order was meant to arrive on Tuesday and it's still not here.", "the order still hasn't turned up",
         "I've arranged a replacement with next-day delivery at no cost.", "checked the courier tracking", "a late order"),
        ("I returned a jacket two weeks ago and haven't had my money back.", "the jacket refund still hasn't come through",
         "I've issued the refund now, it'll be on your card in three to five days.", "found the return at the warehouse", "a missing refund"),
        ("The blender I got arrived with a cracked jug.", "the jug came cracked",
         "I've sent out a new jug by express, you can keep the broken one.", "looked at the photos you sent", "a damaged item"),
        ("I was charged twice for the same order.", "there are two charges for one order",
         "I've cancelled the duplicate payment, it drops off in a couple of days.", "matched the payments", "a double charge"),
    ],
    "airline": [
        ("My flight to Lisbon got cancelled and nobody rebooked me.", "nobody has rebooked the cancelled Lisbon flight",
         "I've rebooked you on the 9:40 tomorrow morning and emailed the ticket.", "looked at the next flights", "a cancelled flight"),
        ("My suitcase didn't come off the belt in Madrid.", "the suitcase never showed up in Madrid",
         "I've located your bag, it's on the evening flight and a courier brings it to your hotel.", "traced the bag tag", "lost luggage"),
        ("I paid for extra legroom and got put in a normal seat.", "I paid for legroom and didn't get it",
         "I've refunded the seat fee to your card.", "checked the seat map", "a seat I paid for"),
        ("The app charged me for a bag I never added.", "there's a bag charge I never added",
         "I've removed the bag and refunded the charge.", "looked at the booking history", "a wrong bag charge"),
    ],
    "insurance": [
        ("I sent my car claim in a month ago and haven't heard a thing.", "the car claim has gone nowhere for a month",
         "I've approved the claim, the payment goes out on Friday.", "pulled up the claim file", "a slow claim"),
        ("My home insurance renewal came in at almost double last year's price.", "the renewal is nearly twice last year's",
         "I've applied the loyalty rate, the renewal is back near last year's price.", "rechecked the quote", "a renewal price jump"),
        ("You took my premium twice this month.", "the premium went out twice",
         "I've refunded the second premium, you'll have it by Wednesday.", "checked the direct debits", "a double premium"),
        ("My travel claim was rejected and the letter doesn't say why.", "the travel claim got rejected without a reason",
         "I've reopened the claim, it was rejected by mistake and is now approved.", "read the assessor's notes", "a rejected claim"),
    ],
    "utilities": [
        ("My electricity bill is based on an estimate again and it's way too high.", "the bill is still an estimate and too high",
         "I've put your real meter reading on and reissued the bill, it's sixty pounds lower.", "compared the readings", "an estimated bill"),
        ("We've had no hot water since the gas was cut off yesterday.", "the gas is still off",
         "I've cancelled the disconnection order, an engineer reconnects you this afternoon.", "checked the account notes", "gas cut off"),
        ("My direct debit went up without any warning.", "the direct debit jumped with no notice",
         "I've set the direct debit back to the old amount.", "reviewed the payment plan", "a raised direct debit"),
        ("The smart meter stopped sending readings in March.", "the meter still isn't sending readings",
         "I've re-paired the meter remotely and the readings are coming in again.", "pinged the meter", "a silent smart meter"),
    ],
}
EN["info"] = {
    "telecom": [("How do I add my daughter to my plan?", "You can add her in the app under Family, it takes two minutes."),
                ("What time does the shop in the high street close?", "It closes at six on weekdays and four on Saturdays.")],
    "bank": [("Can you tell me the limit for contactless payments?", "It's one hundred pounds per payment."),
             ("How long does a new card take to arrive?", "Usually three to five working days.")],
    "ecommerce": [("Do you deliver on Sundays to my area?", "Yes, Sunday delivery is available for your postcode."),
                  ("How long do I have to return shoes?", "You have thirty days from delivery.")],
    "airline": [("How many bags can I take on the basic fare?", "One small cabin bag that fits under the seat."),
                ("When does check-in open for my flight?", "Online check-in opens twenty-four hours before departure.")],
    "insurance": [("Does my policy cover a windscreen chip?", "Yes, windscreen repairs are covered with no excess."),
                  ("Can I add my partner as a named driver?", "Yes, I can add them now, it adds eight pounds a month.")],
    "utilities": [("How do I send you a meter reading?", "You can type it into the app or reply to our text."),
                  ("When is my next bill due?", "It's due on the fourteenth of next month.")],
}
EN["open"] = {
    "excellent": ["Good morning, you're through to {brand}, my name is {name}. How can I help you today?",
                  "Hello and thanks for calling {brand}, this is {name}. What can I do for you?",
                  "Good afternoon, {brand} customer care, {name} speaking. How can I help?",
                  "Hi there, welcome to {brand}, I'm {name}. What brings you in today?"],
    "average": ["Hello, {brand}.", "{brand} support, go ahead.", "Hi, {brand} customer service.", "Hello, you've reached {brand}."],
    "dismissive": ["Yeah.", "Support.", "Go on.", "Yep, what is it."],
}
EN["verify"] = ["Before I look, can I take your date of birth and postcode please?",
                "Could you confirm the first line of your address and your date of birth?",
                "For security, what's your full name and the last four digits of your card?",
                "Can I just check your account number and date of birth first?"]
EN["verify_reply"] = ["Sure, it's the fourth of May eighty-six, and the postcode is BN2 4AX.", "Yes, 12 Mill Lane, born 3rd of March 1979.",
                      "Anna Kowalski, and the card ends 4471.", "Account 55218340, date of birth 19 June 1990."]
EN["verify_ok"] = ["Thank you, that's all confirmed.", "Lovely, you're verified.", "Great, thanks, that matches.", "Perfect, that's you confirmed."]
EN["empathy"] = ["Oh no, I'm really sorry, that's not the experience we want you to have.",
                 "I can completely see why that's annoying, let's get it sorted.",
                 "I'm sorry you've had to chase this, I'd be fed up too.",
                 "That sounds really stressful, I apologise, let me take care of it.",
                 "I hear you, that shouldn't have happened, I'm sorry.",
                 "Thanks for bearing with us, I'm sorry it's come to this."]
EN["ack_average"] = ["Okay, let me have a look.", "Right, one second.", "Okay, I'll check.", "Alright, let me see."]
EN["dismiss"] = ["That's just how the system works.", "There's nothing else I can do about that.", "You'll have to wait like everyone else.",
                 "I don't make the rules, sir.", "Look, I already explained this.", "That's not really our department.",
                 "Well, you should have read the terms.", "It is what it is."]
EN["check_end"] = ["Is there anything else I can help you with today?", "Was there anything else at all?",
                   "Can I help with anything else while I have you?", "Is everything clear, anything else I can do?"]
EN["close_good"] = ["Thanks for calling {brand}, have a lovely day.", "Thank you for your time, take care.",
                    "Thanks so much for your patience, enjoy the rest of your day.", "It was a pleasure, goodbye for now."]
EN["close_average"] = ["Okay, bye.", "Right, thanks, bye.", "Okay then, bye bye.", "Alright, cheers."]
EN["thanks_happy"] = ["Brilliant, that's sorted then, thanks a lot.", "Oh that's a relief, thank you so much.",
                      "Perfect, you've been really helpful.", "Amazing, thanks, that's exactly what I needed.",
                      "Lovely, cheers for sorting that so quickly.", "That's great news, I really appreciate it."]
EN["no_more"] = ["No, that's everything, thanks.", "Nope, that's it, thank you.", "No, all good, thanks.", "That's all for today, thanks."]
EN["info_ok"] = ["Okay, got it.", "Right, that answers it.", "Okay, good to know.", "Fine, understood."]
EN["negated"] = ["Honestly this hasn't been great at all.", "You weren't much help, if I'm honest.",
                 "I can't say I'm happy with how this went.", "That's not good enough, really.",
                 "Well, that wasn't helpful at all.", "I wouldn't call this good service.",
                 "I'm not impressed, not one bit.", "Not the best experience, to put it mildly."]
EN["negated_end"] = ["I'm not satisfied with this.", "I didn't expect to be let down like this.",
                     "This isn't what I'd call a solution.", "I'm not pleased, I'll be honest."]
EN["sarcasm"] = ["Oh marvellous, another week of waiting. Top-notch service, really.",
                 "Great, just great. Brilliant system you've got there.",
                 "Wonderful. Fantastic. Exactly what I wanted to hear after ten days.",
                 "Oh perfect, so I just sit here and wait again. Lovely.",
                 "Fabulous, truly world-class customer care, this.",
                 "Oh amazing, thanks for absolutely nothing then."]
EN["not_fixed"] = ["I can see it, but I can't change it from here today.", "The system won't let me do that right now.",
                   "I'm afraid it has to go through the usual process.", "I've added a note but it still needs review."]
EN["callback"] = ["I'll pass this to our specialist team and they'll phone you back by Thursday.",
                  "Someone from the back office will ring you within twenty-four hours.",
                  "I'll call you back myself tomorrow at ten with an update.",
                  "The team will get in touch with you by Friday afternoon.",
                  "Expect a call from us before five o'clock today.",
                  "A colleague will call you on Monday morning to confirm."]
EN["callback_ok"] = ["Okay, I'll wait for the call then.", "Fine, speak then.", "Alright, I'll keep my phone on.", "Okay, thanks, I'll wait."]
EN["transfer_1"] = ["That's actually handled by our {team} team.", "Ah, for that you need the {team} department.",
                    "I can't see that from here, it sits with {team}.", "That one belongs to the {team} people."]
EN["transfer_2"] = ["I'm going to transfer you over to them now.", "Let me put you through to {team}.",
                    "I'll move your call across to the {team} team.", "I'm passing you over to {team} now."]
EN["transfer_3"] = ["Please stay on the line, you're being connected.", "Hold on, it's ringing through to them now.",
                    "You'll hear a short tone while I connect you.", "Just a moment while the transfer goes through."]
EN["transfer_ok"] = ["Okay, thanks.", "Fine, go ahead.", "Sure, no problem.", "Alright."]
EN["teams"] = ["billing", "claims", "technical", "refunds", "bookings", "collections"]
EN["esc_ask"] = ["I want to talk to someone senior, get me your supervisor.", "Put me through to your manager, now.",
                 "Is there a team leader I can speak to? Because you're not helping.", "I'd like this escalated to someone in charge.",
                 "Let me speak to whoever is above you.", "Get me a manager, please, I'm done with this."]
EN["esc_yes"] = ["Of course. I've escalated this to my team leader and marked it urgent.",
                 "I've raised it with my supervisor, she's taking over the case now.",
                 "Understood, I've passed it up to the escalations manager with all the details.",
                 "Right, I've escalated the complaint to a senior manager."]
EN["esc_no"] = ["There's no manager available, and they'd tell you the same thing.", "I can't put you through to a supervisor, sorry.",
                "Managers don't take calls, I'm the one dealing with it.", "No, I'm not transferring you, there's no need."]
EN["angry"] = ["This is absolutely ridiculous.", "I'm furious, this is a disgrace.", "This is outrageous, honestly.",
               "I'm sick of this, it's shocking.", "This is a complete joke.", "Unbelievable, this is appalling."]
EN["repeat"] = ["As I already told your colleague yesterday, {restated}.", "I've explained this twice already: {restated}.",
                "Like I said to the last person, {restated}.", "I gave all of this to your colleague already, {restated}.",
                "For the third time, {restated}.", "I've been through this on the phone before, {restated}."]
EN["agent_reask"] = ["Sorry, can you tell me what the problem is?", "And what seems to be the issue?", "Can you explain the problem again?",
                     "What exactly is happening?"]
EN["ticket"] = ["I've opened a ticket for the team to look at it.", "I've logged it again and marked it as a repeat.",
                "I've raised a case, it'll be reviewed.", "I'll add it to the existing report."]
EN["frustrated_end"] = ["So I'm just supposed to keep waiting.", "I've been waiting for days and nothing changes.",
                        "Every time I call it's the same story.", "I'm tired of chasing you about this."]
EN["churn_named"] = ["{comp} offered me the same thing for less, so I'm switching to them.", "I'm moving my number over to {comp} this week.",
                     "Honestly I'm done, I'm going to {comp}.", "I'll take my contract to {comp} unless you fix this."]
EN["churn_unnamed"] = ["I'm moving my {product} to another provider.", "I'll be taking my business elsewhere.",
                       "I'm going to find a different company for my {product}.", "I want to close everything and go somewhere else.",
                       "Another company has already offered me a better deal, I'm leaving.", "I'm switching to a competitor after this."]
EN["product"] = {"telecom": "contract", "bank": "accounts", "ecommerce": "orders", "airline": "travel", "insurance": "insurance", "utilities": "energy"}
EN["retention"] = ["I'd hate to lose you, I can offer fifteen percent off for six months.", "Before you go, there's a loyalty discount I can apply.",
                   "Let me see what offers I have, there's a cheaper plan.", "Can I offer you a free month to stay?"]
EN["retention_no"] = ["No, I've made up my mind.", "It's too late for that, sorry.", "Thanks, but no.", "Not interested, I've decided."]
EN["anxious"] = ["I'm really worried, I need this sorted before tomorrow.", "I'm panicking a bit, it's urgent.",
                 "I'm scared it won't be fixed in time, please.", "This is making me so anxious, I fly out in the morning.",
                 "I'm nervous about this, I can't afford for it to go wrong.", "Please, it's an emergency, I need help quickly."]
EN["anxious_end"] = ["I'm still really worried about it.", "I just hope it's done in time, I'm so stressed.",
                     "What if it doesn't arrive? I'm really anxious.", "I'm scared this will go wrong."]
EN["case_open"] = ["I've flagged it as a priority case.", "I've put an urgent note on it.", "I've asked the team to look at it first thing.",
                   "It's now with the priority desk."]
EN["confused_q"] = ["Sorry, I don't follow, what does that charge actually mean?", "I'm lost, why would it be prorated?",
                    "Hang on, so what am I paying for exactly?", "I don't get it, can you go through that again?",
                    "Wait, that makes no sense to me.", "I'm confused, is that the old price or the new one?"]
EN["explain"] = ["It's a part-month charge from when the plan changed.", "The amount covers the days between the two billing dates.",
                 "That's the adjustment for the days before the switch.", "It's how the system splits the first month."]
EN["confused_end"] = ["Hmm, I'm still not sure I understand it.", "Okay... I think? I'm still a bit confused.",
                      "I don't really get it, but fine.", "Right, I'm not sure that makes sense to me."]
EN["hold_ask"] = ["Would you mind if I put you on hold for a couple of minutes while I check?",
                  "Can I place you on a short hold while I look into it?",
                  "Let me check with the team, I'll put you on hold for a moment.",
                  "I'll just put you on hold while I dig into that."]
EN["hold_back"] = ["Thanks so much for waiting.", "Sorry for the wait, I'm back.", "Thanks for holding, I've got an answer.",
                   "Okay, I'm back with you."]
EN["fillers"] = ["um", "uh", "like", "you know"]
EN["asr"] = {"account": "a count", "refund": "re fund", "broadband": "broad band", "claim": "clam", "bill": "bell",
             "delivery": "the livery", "supervisor": "super visor", "cancelled": "canceled", "suitcase": "suit case"}

# --------------------------------------------------------------------------------------------
# Turkish pools
# --------------------------------------------------------------------------------------------
TR = {}
TR["brand"] = {"telecom": "Nova Telekom", "bank": "Kuzey Bank", "ecommerce": "Pazaryeri", "airline": "Martı Hava Yolları",
               "insurance": "Güven Sigorta", "utilities": "Işık Enerji"}
TR["names"] = ["Ayşe", "Mehmet", "Elif", "Burak", "Zeynep", "Can", "Selin", "Emre", "Derya", "Kerem"]
TR["problems"] = {
    "telecom": [
        ("İnternetim pazartesiden beri her akşam gidip geliyor.", "internet hâlâ her akşam kopup duruyor",
         "Hattınızı bizim taraftan sıfırladım, bağlantınız şu an stabil görünüyor.", "hat testi yaptım", "akşamları kopan internet"),
        ("Üç gündür evde telefonum hiç çekmiyor.", "evde hâlâ sinyal yok",
         "Hattınızı şebekeye yeniden kaydettim, çekmesi lazım artık.", "bölgedeki baz istasyonuna baktım", "çekmeyen telefon"),
        ("Bu ay faturam normalden iki yüz lira fazla geldi, hiçbir şey değiştirmedim.", "fatura yine iki yüz lira fazla",
         "Yurt dışı ücretini sildim, faturanız normal tutarına döndü.", "fatura dökümünü inceledim", "yüksek gelen fatura"),
        ("Dünkü güncellemeden sonra televizyon kutusu hizmet yok diyor.", "kutu hâlâ hizmet yok yazıyor",
         "Kutunuza yeniden aktivasyon gönderdim, kanallar geri geldi.", "kutuya sinyal gönderdim", "hizmet vermeyen TV kutusu"),
    ],
    "bank": [
        ("Hesabımda para olduğu halde kartım markette reddedildi.", "kartım hâlâ reddediliyor",
         "Dolandırıcılık sisteminin koyduğu blokeyi kaldırdım, kartınız artık çalışır.", "kart durumunu kontrol ettim", "reddedilen kart"),
        ("Cuma günü yaptığım havale ev sahibime hâlâ ulaşmadı.", "cuma günkü havale hâlâ gitmedi",
         "Havaleyi inceleme kuyruğundan çıkardım, bir saat içinde hesaba geçer.", "ödemeyi takip ettim", "ulaşmayan havale"),
        ("Ekstremde tanımadığım kırk dokuz liralık bir kesinti var.", "o kırk dokuz liralık kesinti hâlâ duruyor",
         "Kesintiyi iptal ettim, iadesi yarın hesabınızda olur.", "ücret geçmişine baktım", "bilinmeyen kesinti"),
        ("Mobil uygulamaya giremiyorum, sürekli bilgileriniz hatalı diyor.", "uygulama hâlâ beni içeri almıyor",
         "İnternet şubesi erişiminizi sıfırladım, yeni şifreyle girebilirsiniz.", "giriş denemelerine baktım", "uygulamaya giriş sorunu"),
    ],
    "ecommerce": [
        ("Siparişim salı gelecekti, hâlâ elime ulaşmadı.", "sipariş hâlâ gelmedi",
         "Ücretsiz olarak ertesi gün teslim edilecek yeni bir gönderi ayarladım.", "kargo takibine baktım", "geciken sipariş"),
        ("İki hafta önce mont iade ettim, param hâlâ yatmadı.", "mont iadesi hâlâ yatmadı",
         "İadenizi şimdi başlattım, üç beş gün içinde kartınıza yansır.", "depoda iadenizi buldum", "yatmayan iade"),
        ("Gelen blenderin haznesi çatlak çıktı.", "hazne çatlak geldi",
         "Size ekspres kargoyla yeni hazne gönderdim, kırık olanı iade etmenize gerek yok.", "gönderdiğiniz fotoğraflara baktım", "hasarlı ürün"),
        ("Aynı sipariş için iki kere para çekildi.", "bir sipariş için iki çekim var",
         "Mükerrer ödemeyi iptal ettim, birkaç gün içinde düşer.", "ödemeleri eşleştirdim", "mükerrer çekim"),
    ],
    "airline": [
        ("İzmir uçuşum iptal edildi ve kimse beni başka uçuşa almadı.", "iptal olan İzmir uçuşu için hâlâ yer yok",
         "Sizi yarın sabah dokuz kırk uçuşuna aldım, biletiniz e-postanızda.", "sonraki uçuşlara baktım", "iptal edilen uçuş"),
        ("Valizim Antalya'da banttan çıkmadı.", "valiz Antalya'da hâlâ ortada yok",
         "Valizinizi bulduk, akşam uçağıyla geliyor ve kurye otelinize getirecek.", "bagaj etiketini takip ettim", "kayıp bagaj"),
        ("Geniş koltuk için para ödedim, normal koltuğa oturttular.", "parasını verdiğim koltuğu alamadım",
         "Koltuk ücretini kartınıza iade ettim.", "koltuk planını kontrol ettim", "ödenen ama verilmeyen koltuk"),
        ("Uygulama eklemediğim bir bagaj için ücret aldı.", "eklemediğim bagajın ücreti duruyor",
         "Bagajı rezervasyondan çıkardım ve ücreti iade ettim.", "rezervasyon geçmişine baktım", "hatalı bagaj ücreti"),
    ],
    "insurance": [
        ("Bir ay önce kasko hasar dosyası açtım, hiç ses çıkmadı.", "kasko dosyası bir aydır yerinden oynamadı",
         "Hasar dosyanızı onayladım, ödeme cuma günü yapılacak.", "dosyanızı açtım", "ilerlemeyen hasar dosyası"),
        ("Konut sigortamın yenileme fiyatı geçen yılın neredeyse iki katı.", "yenileme fiyatı hâlâ iki katı",
         "Sadakat indirimini uyguladım, yenileme fiyatınız geçen yıla yakın.", "teklifi yeniden hesapladım", "pahalanan yenileme"),
        ("Bu ay primimi iki kez çektiniz.", "prim iki kere çekildi",
         "İkinci primi iade ettim, çarşambaya kadar hesabınızda olur.", "otomatik ödemeleri kontrol ettim", "iki kez çekilen prim"),
        ("Seyahat sigortası talebim reddedildi, yazıda sebep yazmıyor.", "talep sebepsiz reddedildi",
         "Talebinizi yeniden açtım, yanlışlıkla reddedilmiş, şimdi onaylandı.", "eksper notlarını okudum", "reddedilen talep"),
    ],
    "utilities": [
        ("Elektrik faturam yine tahmini gelmiş ve çok yüksek.", "fatura hâlâ tahmini ve yüksek",
         "Gerçek sayaç okumanızı girdim, faturayı yeniden düzenledim, yüz elli lira daha az.", "okumaları karşılaştırdım", "tahmini fatura"),
        ("Dün doğalgaz kesildiğinden beri sıcak suyumuz yok.", "gaz hâlâ kesik",
         "Kesme emrini iptal ettim, ekip bu öğleden sonra gazınızı açacak.", "hesap notlarına baktım", "kesilen doğalgaz"),
        ("Otomatik ödeme talimatım habersiz yükseltilmiş.", "talimat haber vermeden yükselmiş",
         "Talimatınızı eski tutarına geri aldım.", "ödeme planınızı inceledim", "artan otomatik ödeme"),
        ("Akıllı sayaç marttan beri okuma göndermiyor.", "sayaç hâlâ okuma göndermiyor",
         "Sayacı uzaktan yeniden eşleştirdim, okumalar tekrar geliyor.", "sayaca sinyal gönderdim", "okuma göndermeyen sayaç"),
    ],
}
TR["info"] = {
    "telecom": [("Kızımı tarifeme nasıl eklerim?", "Uygulamada Aile bölümünden ekleyebilirsiniz, iki dakika sürer."),
                ("Çarşıdaki mağaza kaçta kapanıyor?", "Hafta içi altıda, cumartesi dörtte kapanıyor.")],
    "bank": [("Temassız ödeme limiti ne kadar?", "Tek seferde bin beş yüz lira."),
             ("Yeni kart kaç günde gelir?", "Genelde üç ile beş iş günü içinde.")],
    "ecommerce": [("Pazar günü benim bölgeme teslimat var mı?", "Evet, posta kodunuz için pazar teslimatı var."),
                  ("Ayakkabıyı kaç gün içinde iade edebilirim?", "Teslimattan itibaren otuz gününüz var.")],
    "airline": [("Ekonomi paketinde kaç bagaj hakkım var?", "Koltuk altına sığan bir küçük kabin çantası."),
                ("Uçuşum için check-in ne zaman açılıyor?", "Online check-in kalkıştan yirmi dört saat önce açılıyor.")],
    "insurance": [("Poliçem cam çatlağını karşılıyor mu?", "Evet, cam onarımı muafiyetsiz karşılanıyor."),
                  ("Eşimi ek sürücü olarak ekleyebilir miyim?", "Evet, hemen ekliyorum, aylık elli lira fark çıkar.")],
    "utilities": [("Sayaç okumasını size nasıl iletirim?", "Uygulamaya yazabilir ya da mesajımıza cevap verebilirsiniz."),
                  ("Bir sonraki faturamın son ödeme tarihi ne zaman?", "Gelecek ayın on dördünde.")],
}
TR["open"] = {
    "excellent": ["Günaydın, {brand}'e hoş geldiniz, ben {name}. Size nasıl yardımcı olabilirim?",
                  "Merhaba, {brand} müşteri hizmetleri, ben {name}, nasıl yardımcı olayım?",
                  "İyi günler, {brand}'den {name} ile görüşüyorsunuz, buyurun.",
                  "Merhabalar, {brand} destek hattı, adım {name}. Sizi dinliyorum."],
    "average": ["Merhaba, {brand}.", "{brand} destek, buyurun.", "Alo, {brand} müşteri hizmetleri.", "Merhaba, {brand}'e ulaştınız."],
    "dismissive": ["Evet.", "Buyrun.", "Alo.", "Evet, ne vardı."],
}
TR["verify"] = ["Kontrol etmeden önce T.C. kimlik numaranızı ve doğum tarihinizi alabilir miyim?",
                "Güvenlik için adınızı, soyadınızı ve kayıtlı adresinizi teyit eder misiniz?",
                "Kartınızın son dört hanesini ve doğum yılınızı söyler misiniz?",
                "Önce müşteri numaranızı ve doğum tarihinizi alayım lütfen."]
TR["verify_reply"] = ["Tabii, 12345678950, doğum tarihim 4 Mayıs 1986.", "Ayşe Demir, Kadıköy Moda Caddesi no 12.",
                      "Son dört hane 4471, doğum yılım 1979.", "Müşteri numaram 55218340, 19 Haziran 1990."]
TR["verify_ok"] = ["Teşekkürler, bilgiler doğrulandı.", "Sağ olun, teyit ettim.", "Tamamdır, bilgiler eşleşiyor.", "Teşekkür ederim, kimliğinizi doğruladım."]
TR["empathy"] = ["Çok üzüldüm, böyle bir şey yaşamanızı hiç istemeyiz.", "Ne kadar can sıkıcı olduğunu tahmin edebiliyorum, hemen ilgileniyorum.",
                 "Bunun peşinde koşmak zorunda kaldığınız için özür dilerim.", "Haklı olarak sinirlenmişsiniz, kusura bakmayın, çözelim.",
                 "Sizi çok iyi anlıyorum, bu yaşanmamalıydı.", "Bu durum için gerçekten özür dilerim, hemen bakıyorum."]
TR["ack_average"] = ["Tamam, bakayım.", "Peki, bir saniye.", "Tamam, kontrol ediyorum.", "Olur, bakıyorum."]
TR["dismiss"] = ["Sistem böyle çalışıyor, yapacak bir şey yok.", "Benim elimden başka bir şey gelmez.", "Herkes gibi beklemeniz gerekiyor.",
                 "Kuralları ben koymuyorum hanımefendi.", "Bakın, bunu zaten anlattım.", "O bizim birimimizin işi değil.",
                 "Sözleşmeyi okusaydınız bilirdiniz.", "Ne yapalım, böyle."]
TR["check_end"] = ["Başka yardımcı olabileceğim bir konu var mı?", "Bunun dışında bir isteğiniz var mı?",
                   "Hazır bağlanmışken başka bir şey yapabilir miyim?", "Her şey anlaşıldı mı, başka bir konu var mı?"]
TR["close_good"] = ["{brand}'i aradığınız için teşekkür ederiz, iyi günler dilerim.", "Zaman ayırdığınız için teşekkürler, kendinize iyi bakın.",
                    "Sabrınız için çok teşekkürler, iyi akşamlar.", "Rica ederim, iyi günler, hoşça kalın."]
TR["close_average"] = ["Tamam, iyi günler.", "Peki, kolay gelsin.", "Tamamdır, görüşürüz.", "Olur, iyi günler."]
TR["thanks_happy"] = ["Harika, hallolmuş o zaman, çok teşekkür ederim.", "Ohh, içim rahatladı, çok sağ olun.",
                      "Süper, gerçekten çok yardımcı oldunuz.", "Çok güzel, tam da istediğim buydu, teşekkürler.",
                      "Eline sağlık, bu kadar hızlı çözdüğünüz için teşekkürler.", "Ne iyi haber, gerçekten minnettarım."]
TR["no_more"] = ["Yok, bu kadardı, teşekkürler.", "Hayır, hepsi bu, sağ olun.", "Başka bir şey yok, teşekkür ederim.", "Yok yok, yeterli, sağ olun."]
TR["info_ok"] = ["Tamam, anladım.", "Peki, bu cevap verdi.", "Tamam, bilmek iyi oldu.", "Anlaşıldı, tamam."]
TR["negated"] = ["Açıkçası bu hiç iyi değildi.", "Pek yardımcı olmadınız doğrusu.", "Memnun kaldım diyemem.",
                 "Bu yeterli değil, gerçekten.", "Hiç de faydalı olmadı bu görüşme.", "Buna iyi hizmet denmez.",
                 "Hiç etkilenmedim, zerre kadar.", "En iyi deneyim değildi, kibar söyleyeyim."]
TR["negated_end"] = ["Bundan memnun değilim.", "Böyle yarı yolda bırakılmayı beklemiyordum.",
                     "Buna çözüm denmez.", "Hiç hoşnut değilim, açık konuşayım."]
TR["sarcasm"] = ["Ne güzel, harika! Bir hafta daha bekleyeceğim. Mükemmel bir sistem.",
                 "Süper, bravo size. Çok başarılı bir hizmet gerçekten.",
                 "Aman ne hoş, on gün sonra duymak istediğim tam da buydu.",
                 "Ay çok iyi, yine oturup bekleyeceğim demek. Şahane.",
                 "Tebrikler, dünya çapında bir müşteri hizmeti bu.",
                 "Harika, hiçbir şey için çok teşekkürler o zaman."]
TR["not_fixed"] = ["Görüyorum ama bugün buradan değiştiremiyorum.", "Sistem şu an buna izin vermiyor.",
                   "Maalesef normal süreçten geçmesi gerekiyor.", "Not düştüm ama yine de incelenmesi lazım."]
TR["callback"] = ["Bunu uzman ekibe iletiyorum, perşembeye kadar sizi arayacaklar.",
                  "Arka ofisten bir arkadaşımız yirmi dört saat içinde sizi arayacak.",
                  "Yarın saat onda sizi bizzat geri arayıp bilgi vereceğim.",
                  "Ekibimiz cuma öğleden sonraya kadar size dönüş yapacak.",
                  "Bugün saat beşten önce sizi arayıp sonucu söyleyeceğiz.",
                  "Pazartesi sabahı bir arkadaşım sizi arayıp teyit edecek."]
TR["callback_ok"] = ["Tamam, aramanızı bekliyorum o zaman.", "Peki, görüşürüz.", "Olur, telefonum açık olacak.", "Tamam, sağ olun, beklerim."]
TR["transfer_1"] = ["Bu konuya aslında {team} ekibimiz bakıyor.", "Bunun için {team} birimine gitmeniz gerekiyor.",
                    "Buradan göremiyorum, bu {team} tarafında.", "O iş {team} arkadaşların sorumluluğunda."]
TR["transfer_2"] = ["Sizi şimdi onlara aktarıyorum.", "Sizi {team} birimine bağlayacağım.",
                    "Görüşmenizi {team} ekibine yönlendiriyorum.", "Sizi {team} tarafına devrediyorum şimdi."]
TR["transfer_3"] = ["Lütfen hattan ayrılmayın, bağlanıyorsunuz.", "Bekleyin, şu an onlara çalıyor.",
                    "Bağlarken kısa bir sinyal sesi duyacaksınız.", "Aktarma tamamlanana kadar bir saniye lütfen."]
TR["transfer_ok"] = ["Tamam, teşekkürler.", "Peki, olur.", "Tamam, sorun değil.", "Olur."]
TR["teams"] = ["fatura", "hasar", "teknik", "iade", "rezervasyon", "tahsilat"]
TR["esc_ask"] = ["Üst düzey biriyle konuşmak istiyorum, amirinizi bağlayın.", "Beni hemen müdürünüze bağlayın.",
                 "Konuşabileceğim bir ekip lideri var mı? Çünkü siz yardımcı olmuyorsunuz.", "Bunun bir üst makama iletilmesini istiyorum.",
                 "Sizin üstünüzdeki kişiyle görüşeyim.", "Bana bir yönetici bulun lütfen, bıktım artık."]
TR["esc_yes"] = ["Tabii. Konuyu ekip liderime ilettim ve acil olarak işaretledim.",
                 "Amirime aktardım, dosyanızı şu an o devralıyor.",
                 "Anlaşıldı, tüm detaylarla şikayet yöneticisine ilettim.",
                 "Peki, şikayetinizi kıdemli bir yöneticiye yükselttim."]
TR["esc_no"] = ["Şu an müsait yönetici yok, olsa da aynı şeyi söylerdi.", "Sizi amire bağlayamam, kusura bakmayın.",
                "Yöneticiler telefona çıkmıyor, bu konuyla ben ilgileniyorum.", "Hayır, aktarmayacağım, gerek yok."]
TR["angry"] = ["Bu tamamen saçmalık.", "Çok sinirliyim, bu bir rezalet.", "Bu kabul edilir gibi değil, gerçekten.",
               "Bıktım usandım, inanılmaz bir şey bu.", "Tam bir komedi bu.", "İnanılmaz, bu resmen skandal."]
TR["repeat"] = ["Dün arkadaşınıza da söyledim, {restated}.", "Bunu iki kere anlattım zaten: {restated}.",
                "Bir önceki kişiye de dediğim gibi, {restated}.", "Bütün bilgileri arkadaşınıza vermiştim, {restated}.",
                "Üçüncü kez söylüyorum, {restated}.", "Bunu telefonda daha önce de anlattım, {restated}."]
TR["agent_reask"] = ["Pardon, sorun nedir tam olarak?", "Peki sorun ne?", "Sorunu tekrar anlatır mısınız?", "Tam olarak ne oluyor?"]
TR["ticket"] = ["Ekip baksın diye bir kayıt açtım.", "Tekrar kaydettim ve tekrarlayan talep olarak işaretledim.",
                "Bir talep oluşturdum, incelenecek.", "Mevcut kayda ekliyorum."]
TR["frustrated_end"] = ["Yani beklemeye devam edeceğim öyle mi.", "Günlerdir bekliyorum, hiçbir şey değişmiyor.",
                        "Her aradığımda aynı hikaye.", "Bu konuda sizi kovalamaktan yoruldum."]
TR["churn_named"] = ["{comp} aynı paketi daha ucuza verdi, onlara geçiyorum.", "Bu hafta numaramı {comp}'a taşıyorum.",
                     "Açıkçası bıktım, {comp}'a gidiyorum.", "Bunu düzeltmezseniz sözleşmemi {comp}'a götüreceğim."]
TR["churn_unnamed"] = ["{product} başka bir firmaya taşıyacağım.", "Ben işimi başka yerde halledeceğim.",
                       "Başka bir şirket bulacağım, burada durmam.", "Her şeyi kapatıp başka yere gitmek istiyorum.",
                       "Başka bir firma bana daha iyi teklif verdi bile, ayrılıyorum.", "Bundan sonra rakip bir firmaya geçiyorum."]
TR["product"] = {"telecom": "Hattımı", "bank": "Hesaplarımı", "ecommerce": "Alışverişimi", "airline": "Seyahatlerimi", "insurance": "Sigortamı", "utilities": "Aboneliğimi"}
TR["retention"] = ["Sizi kaybetmek istemem, altı ay yüzde on beş indirim verebilirim.", "Gitmeden önce uygulayabileceğim bir sadakat indirimi var.",
                   "Tekliflere bakayım, daha uygun bir paket var.", "Kalmanız için bir ay ücretsiz verebilirim."]
TR["retention_no"] = ["Hayır, kararımı verdim.", "Artık çok geç, kusura bakmayın.", "Sağ olun ama istemiyorum.", "İlgilenmiyorum, karar verdim."]
TR["anxious"] = ["Çok endişeliyim, bunun yarından önce çözülmesi lazım.", "Biraz panik oldum, acil bir durum.",
                 "Zamanında çözülmeyecek diye korkuyorum, lütfen.", "Bu beni çok tedirgin ediyor, sabah uçağım var.",
                 "Çok gerginim, bunun ters gitmesini kaldıramam.", "Lütfen, acil bir durum, hemen yardım lazım."]
TR["anxious_end"] = ["Hâlâ çok endişeliyim.", "Umarım zamanında olur, çok stresliyim.",
                     "Ya yetişmezse? Çok kaygılıyım.", "Ters gidecek diye korkuyorum."]
TR["case_open"] = ["Öncelikli dosya olarak işaretledim.", "Üzerine acil notu düştüm.", "Ekipten sabah ilk iş bakmasını istedim.",
                   "Dosya şu an öncelikli masada."]
TR["confused_q"] = ["Pardon, anlamadım, bu ücret tam olarak ne?", "Kafam karıştı, neden kıst ücret çıkıyor?",
                    "Bir dakika, tam olarak neyin parasını ödüyorum?", "Anlayamadım, baştan anlatır mısınız?",
                    "Dur, bu bana hiç mantıklı gelmedi.", "Karıştırdım, bu eski fiyat mı yeni fiyat mı?"]
TR["explain"] = ["Tarife değiştiği andan itibaren kalan günlerin ücreti.", "Tutar iki fatura dönemi arasındaki günleri kapsıyor.",
                 "Geçişten önceki günlerin düzeltmesi.", "Sistem ilk ayı böyle bölüyor."]
TR["confused_end"] = ["Hımm, hâlâ tam anlamadım.", "Tamam... galiba? Hâlâ biraz kafam karışık.",
                      "Pek anlamadım ama neyse.", "Peki, bana pek mantıklı gelmedi açıkçası."]
TR["hold_ask"] = ["Kontrol ederken sizi birkaç dakika bekletebilir miyim?", "Kısa bir süre hatta bekletmemde sakınca var mı?",
                  "Ekiple konuşayım, sizi bir dakika beklemeye alıyorum.", "Şuna bakarken sizi beklemeye alacağım."]
TR["hold_back"] = ["Beklediğiniz için çok teşekkürler.", "Beklettiğim için kusura bakmayın, buradayım.", "Hatta kaldığınız için sağ olun, cevabı buldum.",
                   "Tamam, tekrar sizinleyim."]
TR["fillers"] = ["ııı", "şey", "yani", "hani"]
TR["asr"] = {"fatura": "fatora", "internet": "internek", "iade": "iyade", "kargo": "kargu", "hesap": "hesab",
             "sigorta": "sigota", "havale": "havle"}
TR["codeswitch"] = {"kayıt": "ticket", "iade": "refund", "tamam": "okey", "sıfırladım": "resetledim", "ekip": "team",
                    "kontrol ediyorum": "check ediyorum", "özür dilerim": "sorry"}

COMPETITORS = {"telecom": [("Vodafone", "vodafone"), ("Turkcell", "turkcell"), ("Türk Telekom", "turk-telekom"), ("Superonline", "superonline")]}
OTHER_COMPETITORS = {"en": {"bank": "Ridgeway Bank", "ecommerce": "MegaMart", "airline": "BlueJet", "insurance": "Atlas Cover", "utilities": "GreenVolt"},
                     "tr": {"bank": "Doğu Bank", "ecommerce": "Çarşı", "airline": "Kartal Air", "insurance": "Kalkan Sigorta", "utilities": "Yeşil Enerji"}}

# Scenario → (sentiment, emotion, issues, repeated or None, status). Issues exclude per-call extras.
LABELS = {
    "fixed": ("positive", "satisfied", [], "0", "resolved"),
    "hold_fixed": ("positive", "satisfied", ["long_hold"], "0", "resolved"),
    "info": ("neutral", "calm", [], "0", "resolved"),
    "dead_air_info": ("neutral", "calm", ["dead_air"], "0", "resolved"),
    "negated": ("negative", "disappointed", [], None, "unresolved"),
    "sarcasm": ("negative", "frustrated", [], None, "unresolved"),
    "callback": ("neutral", "calm", ["callback_promised"], "0", "unresolved"),
    "transfer_multi": ("neutral", "calm", ["transfer"], "0", "transferred"),
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
# "average" spans the middle of the scale: terse but correct agents land on 2, friendlier ones on 4.
AGENT_RANGE = {"excellent": "4-5", "average": "2-4", "dismissive": "1-2"}


def build_call(lang, n, scenario, domain, quality, mono, noisy, codeswitch):
    P = EN if lang == "en" else TR
    tags = [scenario, domain, quality] + (["mono"] if mono else []) + (["asr"] if noisy else []) + (["cs"] if codeswitch else [])
    call_id = f"{lang}-{n:03d}-" + "-".join(tags)
    half = half_of(call_id)
    rng = random.Random(call_id)
    pick = Picker(rng, half)
    brand, name = P["brand"][domain], pick(P["names"])
    problem = pick(P["problems"][domain])
    statement, restated, fix, tried, _topic = problem
    team = pick(P["teams"])
    turns = []  # (role, text, extra): extra = {"gap": seconds before, "interrupt": True}

    def A(text, **kw): turns.append(("A", text, kw))
    def C(text, **kw): turns.append(("C", text, kw))
    def fmt(s): return s.format(brand=brand, name=name, team=team, restated=restated,
                                product=P["product"][domain], comp=kw_comp[0])

    kw_comp = [""]
    mentions = []
    sentiment, emotion, issues, repeated, status = LABELS[scenario]
    issues = list(issues)

    A(fmt(pick(P["open"][quality])))
    if scenario in ("info", "dead_air_info", "confused"):
        q, answer = pick(P["info"][domain])
        C(q)
    else:
        C(statement)
    care = quality == "excellent"

    def agent_ack():
        if quality == "excellent": A(pick(P["empathy"]))
        elif quality == "average": A(pick(P["ack_average"]))
        else: A(pick(P["dismiss"]))

    def verify():
        if quality != "dismissive" and domain in ("bank", "insurance") and rng.random() < 0.7:
            A(pick(P["verify"])); C(pick(P["verify_reply"])); A(pick(P["verify_ok"]))

    def closing(happy):
        if quality == "excellent":
            A(pick(P["check_end"])); C(pick(P["no_more"]) if happy else pick(P["info_ok"])); A(fmt(pick(P["close_good"])))
        elif quality == "average":
            A(fmt(pick(P["close_average"])))

    if scenario == "fixed":
        agent_ack(); verify(); A(fix); C(pick(P["thanks_happy"])); closing(True)
    elif scenario == "hold_fixed":
        agent_ack(); verify(); A(pick(P["hold_ask"])); A(pick(P["hold_back"]) + " " + fix, gap=rng.randint(75, 160))
        C(pick(P["thanks_happy"])); closing(True)
    elif scenario == "info":
        if quality == "excellent": A(answer + " " + pick(P["check_end"]))
        else: A(answer)
        C(pick(P["info_ok"]))
        if quality == "excellent": A(fmt(pick(P["close_good"])))
        elif quality == "average": A(fmt(pick(P["close_average"])))
    elif scenario == "dead_air_info":
        A(pick(P["ack_average"]) if quality != "dismissive" else pick(P["dismiss"]))
        A(answer, gap=rng.randint(13, 25)); C(pick(P["info_ok"]))
        if quality == "excellent": A(fmt(pick(P["close_good"])))
    elif scenario == "confused":
        A(answer); C(pick(P["confused_q"])); A(pick(P["explain"])); C(pick(P["confused_end"]))
        if quality == "excellent": A(pick(P["empathy"]) if rng.random() < 0.3 else fmt(pick(P["close_good"])))
    elif scenario == "negated":
        agent_ack(); verify(); A(pick(P["not_fixed"])); C(pick(P["negated"])); A(pick(P["ticket"]) if quality != "dismissive" else pick(P["dismiss"]))
        C(pick(P["negated_end"]))
        if quality != "dismissive": A(fmt(pick(P["close_average"])))
    elif scenario == "sarcasm":
        agent_ack(); A(pick(P["not_fixed"])); C(pick(P["sarcasm"]))
        A(pick(P["ticket"]) if quality != "dismissive" else pick(P["dismiss"])); C(pick(P["frustrated_end"]))
    elif scenario == "callback":
        agent_ack(); verify(); A(pick(P["callback"])); C(pick(P["callback_ok"]))
        if quality == "excellent": A(fmt(pick(P["close_good"])))
        elif quality == "average": A(fmt(pick(P["close_average"])))
    elif scenario == "transfer_multi":
        verify(); A(fmt(pick(P["transfer_1"]))); C(pick(P["transfer_ok"])); A(fmt(pick(P["transfer_2"])))
        if rng.random() < 0.7: A(fmt(pick(P["transfer_3"])))
    elif scenario == "escalated":
        agent_ack(); A(pick(P["not_fixed"])); C(pick(P["angry"])); C(pick(P["esc_ask"]))
        A(pick(P["esc_yes"])); C(pick(P["frustrated_end"]))
    elif scenario == "esc_refused":
        agent_ack(); A(pick(P["not_fixed"])); C(pick(P["angry"])); C(pick(P["esc_ask"])); A(pick(P["esc_no"]))
        C(pick(P["angry"]))
    elif scenario == "repeat":
        A(pick(P["agent_reask"])); C(fmt(pick(P["repeat"])))
        if quality == "excellent": A(pick(P["empathy"]))
        A(pick(P["ticket"])); C(pick(P["frustrated_end"]))
    elif scenario in ("churn_named", "churn_unnamed"):
        if scenario == "churn_named":
            if domain == "telecom":
                comp, cid = pick(COMPETITORS["telecom"]); mentions.append(cid)
            else:
                comp = OTHER_COMPETITORS[lang][domain]
            kw_comp[0] = comp
            line = pick(P["churn_named"])
        else:
            line = pick(P["churn_unnamed"])
        agent_ack(); A(pick(P["not_fixed"])); C(fmt(line)); A(pick(P["retention"])); C(pick(P["retention_no"]))
        if quality != "dismissive": A(fmt(pick(P["close_average"])))
    elif scenario == "anxious":
        C(pick(P["anxious"]))
        agent_ack(); A(pick(P["case_open"])); C(pick(P["anxious_end"]))
        if quality == "excellent": A(fmt(pick(P["close_good"])))

    # Dismissive agents on stereo calls talk over the customer three times.
    if quality == "dismissive" and not mono and len([t for t in turns if t[0] == "A"]) >= 3 and rng.random() < 0.5:
        k = 0
        for i in range(1, len(turns)):
            if turns[i][0] == "A" and turns[i - 1][0] == "C" and k < 3:
                turns[i][2]["interrupt"] = True; k += 1
        if k == 3: issues.append("excessive_interruptions")

    # ASR-style noise and code-switching, applied to every line.
    def noise(text):
        if codeswitch and lang == "tr":
            for a, b in TR["codeswitch"].items():
                if a in text and rng.random() < 0.6: text = text.replace(a, b)
        if noisy:
            for a, b in P["asr"].items():
                if a in text and rng.random() < 0.5: text = text.replace(a, b)
            words = text.split()
            if len(words) > 4 and rng.random() < 0.4: words.insert(rng.randrange(1, len(words)), rng.choice(P["fillers"]))
            text = " ".join(words)
            text = "".join(ch for ch in text if ch not in ",.!?;:").lower() if lang == "en" else \
                "".join(ch for ch in text if ch not in ",.!?;:").replace("I", "ı").replace("İ", "i").lower()
        return text

    if codeswitch and lang == "en":
        # A Turkish-speaking customer in an English call: Turkish fillers and tags.
        turns = [(r, (t + " " + rng.choice(["Tamam.", "Yani...", "Anladın mı?", "Evet evet."]) if r == "C" and rng.random() < 0.4 else t), kw)
                 for r, t, kw in turns]

    lines, t = [], 0.0
    prev_end = 0.0
    for i, (role, text, kw) in enumerate(turns):
        text = noise(text)
        dur = round(max(1.4, len(text.split()) * 0.38), 1)
        start = round(prev_end + kw.get("gap", rng.choice([0.3, 0.4, 0.5, 0.6, 0.8])), 1)
        if kw.get("interrupt"): start = round(prev_end - 1.2, 1)
        end = round(start + dur, 1)
        lines.append(("U" if mono else role, start, end, text))
        prev_end = max(prev_end, end)

    out = [f"=== {call_id}", f"lang: {lang}", f"split: {half}", f"sentiment: {sentiment}", f"emotion: {emotion}",
           "issues: " + (", ".join(sorted(set(issues))) if issues else "none")]
    if repeated is not None: out.append(f"repeated: {repeated}")
    out.append("mentions: " + (", ".join(sorted(mentions)) if mentions else "none"))
    out.append("agent: " + AGENT_RANGE[quality])  # mono too: roles are inferred from the text (SpeakerRoles)
    out.append(f"status: {status}")
    for role, s, e, text in lines:
        out.append(f"{role} {s:g} {e:g} | {text}")
    return "\n".join(out)


def allowed_quality(scenario):
    # Dismissive agents do not produce happy endings; excellent agents do not refuse escalations.
    if scenario in ("fixed", "hold_fixed", "transfer_multi", "callback"): return ["excellent", "average"]
    if scenario == "esc_refused": return ["average", "dismissive"]
    if scenario in ("info", "dead_air_info", "confused"): return ["excellent", "average"]
    if scenario in ("negated", "sarcasm", "churn_named", "churn_unnamed", "repeat"): return ["excellent", "average", "dismissive", "dismissive"]
    return ["excellent", "average", "dismissive"]


def generate(lang, count):
    rng = random.Random(f"devset-{lang}")
    calls = []
    for n in range(count):
        scenario = SCENARIOS[n % len(SCENARIOS)]
        domain = DOMAINS[(n // len(SCENARIOS) + n) % len(DOMAINS)]
        quality = rng.choice(allowed_quality(scenario))
        mono = rng.random() < 0.2
        noisy = rng.random() < 0.25
        codeswitch = rng.random() < 0.12
        calls.append(build_call(lang, n + 1, scenario, domain, quality, mono, noisy, codeswitch))
    return calls


if __name__ == "__main__":
    for lang, count in (("en", 165), ("tr", 120)):
        calls = generate(lang, count)
        head = (f"# Analysis development set ({lang}), generated by devset/generate.py — do not edit by hand.\n"
                f"# {len(calls)} calls; `split:` tune|check = parity of the first byte of SHA-256(call id).\n")
        with open(os.path.join(HERE, "..", f"dev-{lang}.txt"), "w", encoding="utf-8") as f:
            f.write(head + "\n\n".join(calls) + "\n")
        tune = sum(1 for c in calls if "split: tune" in c)
        print(f"dev-{lang}.txt: {len(calls)} calls, {tune} tune / {len(calls) - tune} check")
