/**
 * Place names that open or close organisation names ("Beijing ... Co.", "... (Shenzhen)", "Harbin
 * ... University"). Sharing a place says nothing about identity, yet a city with few listed parties
 * gets a high rarity weight, so place words are weighted down on both sides. Pinyin joined, as lists
 * write them. Countries are included because "Korea ... Corporation" and "Iran ..." prefix many names.
 */
const PLACES = `
beijing shanghai tianjin chongqing shenzhen guangzhou hangzhou nanjing wuhan chengdu xian changsha
hefei jinan qingdao dalian shenyang harbin changchun zhengzhou taiyuan shijiazhuang hohhot lanzhou
xining yinchuan urumqi lhasa kunming guiyang nanning haikou fuzhou xiamen nanchang suzhou wuxi
changzhou ningbo wenzhou zhuhai dongguan foshan zhongshan shantou huizhou jiangmen zhanjiang
mianyang luoyang baotou tangshan handan baoding yantai weihai zibo weifang linyi xuzhou nantong
yangzhou zhenjiang jiaxing shaoxing taizhou jinhua quanzhou zhangzhou putian ganzhou jiujiang
yichang xiangyang zhuzhou xiangtan hengyang yueyang guilin liuzhou zunyi dali lijiang
anhui fujian gansu guangdong guangxi guizhou hainan hebei heilongjiang henan hubei hunan jiangsu
jiangxi jilin liaoning neimenggu ningxia qinghai shaanxi shandong shanxi sichuan xinjiang xizang
yunnan zhejiang hongkong hong kong macau macao taiwan taipei kaohsiung
moscow moskva petersburg peterburg sankt saint novosibirsk yekaterinburg ekaterinburg kazan
nizhny nizhniy novgorod samara omsk chelyabinsk rostov ufa krasnoyarsk perm voronezh volgograd
krasnodar saratov tyumen izhevsk barnaul irkutsk khabarovsk vladivostok yaroslavl tomsk orenburg
kemerovo ryazan penza lipetsk tula kirov cheboksary kaliningrad bryansk ivanovo kursk tver
zelenograd korolev dubna sarov snezhinsk obninsk
tehran tabriz mashhad isfahan esfahan shiraz karaj qom ahvaz kermanshah
dubai sharjah ajman abu dhabi fujairah istanbul ankara izmir almaty astana tashkent bishkek
minsk kiev kyiv kharkiv karachi lahore islamabad rawalpindi pyongyang damascus aleppo beirut
baghdad caracas havana singapore kuala lumpur bangkok delhi mumbai seoul tokyo london paris
berlin
china russia iran korea syria pakistan india belarus ukraine turkey emirates arab united states
america kingdom germany france japan venezuela cuba afghanistan iraq lebanon yemen libya sudan
burma myanmar kazakhstan uzbekistan kyrgyzstan armenia georgia azerbaijan israel
northern southern eastern western north south east west central
northeast northwest southeast southwest
asia africa african europe european america american americas continent
republic islamic people democratic federation
`;

const PLACE_SET = new Set(PLACES.split(/\s+/).filter((w) => w !== ""));

export function isPlace(token: string): boolean {
  return PLACE_SET.has(token);
}
